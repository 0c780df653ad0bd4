using Broker.Contracts.V1;
using Broker.HostAgent.Desktops;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.HostAgent.Broker;

/// <summary>
/// Tells the <see cref="DesktopManager"/> when a <c>PushLayer</c> call committed a layer, or
/// re-announced a held one as a check-in's final layer, so the broker hears of it: the push header
/// names the desktop, the result the layer, epoch and whether it is final.
/// </summary>
internal sealed class PushCommitWatcher(DesktopManager desktops) : Interceptor
{
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var watched = new HeaderReader<TRequest>(requestStream);
        var response = await continuation(watched, context).ConfigureAwait(false);
        if (response is PushResult result && (!result.AlreadyPresent || result.Final) && watched.DesktopId is { } desktopId)
        {
            desktops.OnPushCommitted(desktopId, result);
        }

        return response;
    }

    /// <summary>Passes messages through, remembering the desktop of a push header.</summary>
    private sealed class HeaderReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public string? DesktopId { get; private set; }

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            if (moved && DesktopId is null && inner.Current is PushMessage { KindCase: PushMessage.KindOneofCase.Header } message)
            {
                DesktopId = message.Header.DesktopId;
            }

            return moved;
        }
    }
}
