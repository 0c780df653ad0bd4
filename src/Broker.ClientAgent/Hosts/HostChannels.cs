using System.Collections.Concurrent;
using System.Net.Sockets;
using Broker.ClientAgent.Desktops;
using Broker.Transfer;
using Grpc.Net.Client;

namespace Broker.ClientAgent.Hosts;

/// <summary>One gRPC channel per host agent transfer endpoint (<see cref="ClientAgentOptions.Hosts"/>). Thread-safe.</summary>
internal sealed class HostChannels(ClientAgentOptions options) : IDisposable
{
    private const string UnixScheme = "unix:";

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    /// <summary>The channel to <paramref name="hostId"/>.</summary>
    /// <exception cref="ClientRefusedException">No address is configured for the host.</exception>
    public GrpcChannel For(string hostId) => _channels.GetOrAdd(hostId, Create);

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private GrpcChannel Create(string hostId)
    {
        if (!options.Hosts.TryGetValue(hostId, out var address))
        {
            throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"No transfer address is configured for host {hostId} (ClientAgent:Hosts:{hostId}).");
        }

        if (!address.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            return TransferChannelOptions.CreateChannel(new Uri(address));
        }

        var socketPath = address[UnixScheme.Length..];
        return TransferChannelOptions.CreateChannel(new Uri("http://transfer"), new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
    }
}
