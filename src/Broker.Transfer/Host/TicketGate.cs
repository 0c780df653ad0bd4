using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.Transfer.Host;

/// <summary>
/// Checks the <c>broker-ticket</c> of a call against a desktop and maps the outcome to the proto's
/// status codes: <c>UNAUTHENTICATED</c>, <c>PERMISSION_DENIED</c>, or <c>FAILED_PRECONDITION</c> with
/// <c>STALE_EPOCH</c> (the ticket's epoch is not the desktop's) or <c>NOT_CHECKED_OUT</c>. The one
/// stale ticket it lets through is a revoked device's push under its revoked epoch, bound for quarantine.
/// </summary>
internal sealed class TicketGate(TicketVerifier verifier, string hostId)
{
    /// <summary>Returns the verified ticket or throws the call's <see cref="RpcException"/>.</summary>
    public Ticket Check(ServerCallContext context, TransferDesktop desktop, TransferDirection direction, string? layerId)
    {
        var value = context.RequestHeaders.GetValue(TicketEncoding.MetadataKey);
        var result = verifier.Verify(value, Expect(desktop, direction, layerId));
        return result switch
        {
            TicketVerification.Valid valid => valid.Ticket,
            TicketVerification.Unauthenticated failure => throw new RpcException(new Status(StatusCode.Unauthenticated, failure.Detail)),
            TicketVerification.PermissionDenied { Reason: TicketRejectionReason.EpochMismatch } denied =>
                throw TransferErrors.Rejected(TransferRejection.StaleEpoch, denied.Detail),
            TicketVerification.PermissionDenied { Reason: TicketRejectionReason.WrongDevice } when desktop.DeviceId is null =>
                throw TransferErrors.Rejected(TransferRejection.NotCheckedOut, $"Desktop {desktop.DesktopId} is not checked out."),
            TicketVerification.PermissionDenied denied => throw new RpcException(new Status(StatusCode.PermissionDenied, denied.Detail)),
            _ => throw new InvalidOperationException("Unknown ticket verification outcome."),
        };
    }

    /// <summary>
    /// As <see cref="Check"/> for a push call, and says where the push lands: a ticket for the
    /// desktop's revoked epoch naming the revoked device (the broker issues one for the device's late
    /// layers) targets the quarantine; any other ticket must pass <see cref="Check"/> and targets the chain.
    /// </summary>
    public PushTarget CheckPush(ServerCallContext context, TransferDesktop desktop, string? layerId)
    {
        if (desktop.Revoked is { } revoked)
        {
            var value = context.RequestHeaders.GetValue(TicketEncoding.MetadataKey);
            var late = Expect(desktop, TransferDirection.Push, layerId) with { Epoch = revoked.Epoch, DeviceId = revoked.DeviceId };
            if (verifier.Verify(value, late) is TicketVerification.Valid)
            {
                return new QuarantinePushTarget(desktop, revoked);
            }
        }

        _ = Check(context, desktop, TransferDirection.Push, layerId);
        return new ChainPushTarget(desktop);
    }

    /// <summary>As <see cref="Check"/>, accepting a pull or a push ticket (calls both directions need).</summary>
    public Ticket CheckEither(ServerCallContext context, TransferDesktop desktop)
    {
        var value = context.RequestHeaders.GetValue(TicketEncoding.MetadataKey);
        return verifier.Verify(value, Expect(desktop, TransferDirection.Pull, null)) is TicketVerification.PermissionDenied { Reason: TicketRejectionReason.WrongDirection }
            ? Check(context, desktop, TransferDirection.Push, null)
            : Check(context, desktop, TransferDirection.Pull, null);
    }

    /// <summary>
    /// For a call under an image pull ticket (no desktop): the ticket must be this host's and cover
    /// base <paramref name="contentAddress"/>. Returns it or throws <c>UNAUTHENTICATED</c> /
    /// <c>PERMISSION_DENIED</c>; whether this host holds the base is the caller's question, after.
    /// </summary>
    public Ticket CheckImage(ServerCallContext context, string contentAddress)
    {
        var value = context.RequestHeaders.GetValue(TicketEncoding.MetadataKey);
        var expected = new TicketExpectation { HostId = hostId, DesktopId = string.Empty, DeviceId = null, Direction = TransferDirection.ImagePull, Epoch = 0, BaseContentAddress = contentAddress };
        return verifier.Verify(value, expected) switch
        {
            TicketVerification.Valid valid => valid.Ticket,
            TicketVerification.Unauthenticated failure => throw new RpcException(new Status(StatusCode.Unauthenticated, failure.Detail)),
            TicketVerification.PermissionDenied denied => throw new RpcException(new Status(StatusCode.PermissionDenied, denied.Detail)),
            _ => throw new InvalidOperationException("Unknown ticket verification outcome."),
        };
    }

    /// <summary>
    /// For a desktop this host does not hold: an unauthenticated call learns nothing
    /// (<c>UNAUTHENTICATED</c>), an authenticated one gets <c>NOT_FOUND</c>.
    /// </summary>
    public RpcException Unknown(ServerCallContext context, string desktopId)
    {
        var value = context.RequestHeaders.GetValue(TicketEncoding.MetadataKey);
        var probe = new TicketExpectation { HostId = hostId, DesktopId = desktopId, DeviceId = string.Empty, Direction = TransferDirection.Pull, Epoch = 0 };
        return verifier.Verify(value, probe) is TicketVerification.Unauthenticated failure
            ? new RpcException(new Status(StatusCode.Unauthenticated, failure.Detail))
            : TransferErrors.NotFound($"This host holds no desktop {desktopId}.");
    }

    private TicketExpectation Expect(TransferDesktop desktop, TransferDirection direction, string? layerId) => new()
    {
        HostId = hostId,
        DesktopId = desktop.DesktopId,
        DeviceId = desktop.DeviceId ?? string.Empty,
        Direction = direction,
        Epoch = desktop.Epoch,
        LayerId = layerId,
    };
}
