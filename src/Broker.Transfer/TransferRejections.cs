using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.Transfer;

/// <summary>
/// The machine-readable reason of a <c>FAILED_PRECONDITION</c>: the <c>broker-reason</c> trailer
/// holds the proto name of a <see cref="TransferRejection"/> (e.g. <c>STALE_EPOCH</c>).
/// </summary>
public static class TransferRejections
{
    /// <summary>The trailer's key.</summary>
    public const string ReasonTrailer = "broker-reason";

    /// <summary>The proto name of <paramref name="reason"/>.</summary>
    public static string Name(TransferRejection reason) => reason switch
    {
        TransferRejection.StaleEpoch => "STALE_EPOCH",
        TransferRejection.WrongParent => "WRONG_PARENT",
        TransferRejection.NotCheckedOut => "NOT_CHECKED_OUT",
        TransferRejection.HostBusy => "HOST_BUSY",
        TransferRejection.Integrity => "INTEGRITY",
        TransferRejection.LayerConflict => "LAYER_CONFLICT",
        TransferRejection.Unspecified => "TRANSFER_REJECTION_UNSPECIFIED",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown rejection."),
    };

    /// <summary>The rejection a failed call carries, or null when it is not a rejection.</summary>
    public static TransferRejection? ReasonOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.StatusCode != StatusCode.FailedPrecondition || exception.Trailers.GetValue(ReasonTrailer) is not { } name)
        {
            return null;
        }

        foreach (var reason in Enum.GetValues<TransferRejection>())
        {
            if (reason != TransferRejection.Unspecified && Name(reason) == name)
            {
                return reason;
            }
        }

        return null;
    }
}
