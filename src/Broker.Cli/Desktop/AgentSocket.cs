using System.CommandLine;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Broker.Cli.Desktop;

/// <summary>
/// Where the local client agent (<c>broker-client run</c>) listens: <c>--socket</c>, else
/// <c>$XDG_RUNTIME_DIR/broker-client.sock</c>, else <c>agent.sock</c> in its default data directory.
/// </summary>
internal static class AgentSocket
{
    /// <summary>The <c>--socket</c> option, shared by every desktop command.</summary>
    public static Option<string?> Option() =>
        new("--socket") { Description = "The client agent's unix socket (default: $XDG_RUNTIME_DIR/broker-client.sock).", Recursive = true };

    /// <summary>The socket in effect for <paramref name="given"/>.</summary>
    public static string PathOf(string? given, Func<string, string?> getVariable) => given switch
    {
        { Length: > 0 } => given,
        _ when getVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime => System.IO.Path.Combine(runtime, "broker-client.sock"),
        _ => System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "broker-client", "agent.sock"),
    };

    /// <summary>A channel to the agent over <paramref name="socket"/>; a missing socket fails on the first call.</summary>
    public static GrpcChannel Connect(string socket) => GrpcChannel.ForAddress("http://broker-client", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(client, ownsSocket: true);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            },
        },
    });
}
