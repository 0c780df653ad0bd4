using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.Transfer.Host;

/// <summary>The service's error contract: <see cref="RpcException"/>s with the status codes the proto promises.</summary>
internal static class TransferErrors
{
    public static RpcException Rejected(TransferRejection reason, string detail) =>
        new(new Status(StatusCode.FailedPrecondition, detail), new Metadata { { TransferRejections.ReasonTrailer, TransferRejections.Name(reason) } });

    public static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    public static RpcException NotFound(string detail) => new(new Status(StatusCode.NotFound, detail));
}
