using Grpc.Net.Client;

namespace Broker.Transfer;

/// <summary>Client channel settings for <c>DiskTransfer</c>: HTTP/2 windows and message limits of <see cref="TransferLimits"/>.</summary>
public static class TransferChannelOptions
{
    /// <summary>
    /// Options for a channel to a host agent's transfer endpoint. <paramref name="handler"/> (e.g. one
    /// with a <c>ConnectCallback</c> for a unix socket) gets the transfer windows; the channel owns it.
    /// </summary>
    public static GrpcChannelOptions Create(SocketsHttpHandler? handler = null)
    {
        handler ??= new SocketsHttpHandler();
        handler.InitialHttp2StreamWindowSize = TransferLimits.StreamWindowBytes;
        handler.EnableMultipleHttp2Connections = true;
        handler.PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan;
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(30);
        return new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = TransferLimits.MaxMessageBytes,
            MaxSendMessageSize = TransferLimits.MaxMessageBytes,
        };
    }

    /// <summary>A channel to <paramref name="address"/> with <see cref="Create"/>'s options.</summary>
    public static GrpcChannel CreateChannel(Uri address, SocketsHttpHandler? handler = null) =>
        GrpcChannel.ForAddress(address, Create(handler));
}
