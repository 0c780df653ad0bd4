using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Broker.Server.Desktops;

/// <summary>
/// Calls a host agent's <c>HostConsole</c> at its transfer address with a console grant this broker
/// signs for that host and desktop, valid <see cref="GrantLifetime"/>. Any broker instance can: it
/// needs the shared signing key, not the host's Connect stream. One connection pool for all hosts.
/// </summary>
internal sealed class HostConsoleReader(TicketSigner signer, TimeProvider time) : IDisposable
{
    /// <summary>How long a grant is valid: one call, with room for the host's clock skew.</summary>
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromMinutes(1);

    /// <summary>How long one call to a host may take, connecting included.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly SocketsHttpHandler _handler = new()
    {
        ConnectTimeout = CallTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>Reads <paramref name="request"/>'s range; throws the host's <see cref="RpcException"/> (or <c>DEADLINE_EXCEEDED</c>, <c>UNAVAILABLE</c>).</summary>
    public async Task<ConsoleText> ReadAsync(Uri hostAddress, string hostId, ReadConsoleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var grant = signer.Sign(new ConsoleGrant
        {
            HostId = hostId,
            DesktopId = request.DesktopId,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now + GrantLifetime),
        });
        using var channel = GrpcChannel.ForAddress(hostAddress, new GrpcChannelOptions { HttpHandler = _handler, DisposeHttpClient = false });
        var client = new HostConsole.HostConsoleClient(channel);
        return await client.ReadConsoleAsync(
            request,
            new Metadata { { ConsoleGrants.MetadataKey, ConsoleGrants.Encode(grant) } },
            deadline: (now + CallTimeout).UtcDateTime,
            cancellationToken: cancellationToken);
    }

    public void Dispose() => _handler.Dispose();
}
