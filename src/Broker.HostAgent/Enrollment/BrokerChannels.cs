using Grpc.Net.Client;

namespace Broker.HostAgent.Enrollment;

/// <summary>gRPC channels to the broker.</summary>
internal static class BrokerChannels
{
    /// <summary>A channel to <paramref name="server"/>; over <paramref name="handler"/> when given (not disposed with the channel).</summary>
    public static GrpcChannel Create(Uri server, HttpMessageHandler? handler) =>
        GrpcChannel.ForAddress(server, handler is null
            ? new GrpcChannelOptions()
            : new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
}
