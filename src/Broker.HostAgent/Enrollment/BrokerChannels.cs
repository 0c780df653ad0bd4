using Broker.Contracts.Tls;
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

    /// <summary>A handler that trusts exactly the broker certificate <paramref name="pin"/> names; null without a pin (the system's trust).</summary>
    public static HttpMessageHandler? PinnedHandler(CertificatePin? pin) =>
        pin?.Apply(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });

    /// <summary>What to say of a failed broker call: the pin's refusal when the certificate was not the pinned one, else the failure's own message.</summary>
    public static string Describe(Exception exception, CertificatePin? pin) =>
        pin?.DescribeRefusal(exception) ?? exception.Message;
}
