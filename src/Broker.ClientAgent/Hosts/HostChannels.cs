using System.Collections.Concurrent;
using System.Net.Sockets;
using Broker.ClientAgent.Desktops;
using Broker.Transfer;
using Grpc.Net.Client;

namespace Broker.ClientAgent.Hosts;

/// <summary>
/// One gRPC channel per host agent transfer endpoint: the address the broker gave (START_PULL, the
/// ticket answer), unless <see cref="ClientAgentOptions.Hosts"/> overrides it for the host. Thread-safe.
/// </summary>
internal sealed class HostChannels(ClientAgentOptions options) : IDisposable
{
    private const string UnixScheme = "unix:";

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    /// <summary>The channel to <paramref name="hostId"/>, which the broker says listens at <paramref name="brokerAddress"/>.</summary>
    /// <exception cref="ClientRefusedException">Neither the broker nor the configuration gives an address for the host.</exception>
    public GrpcChannel For(string hostId, string? brokerAddress)
    {
        var address = options.Hosts.TryGetValue(hostId, out var configured) ? configured
            : !string.IsNullOrEmpty(brokerAddress) ? brokerAddress
            : throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"The broker gave no transfer address for host {hostId} and none is configured (ClientAgent:Hosts:{hostId}).");
        return _channels.GetOrAdd(address, Create);
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private static GrpcChannel Create(string address)
    {
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
