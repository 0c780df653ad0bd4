using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Broker.Server.Desktops;

/// <summary>
/// Calls a host agent's <c>HostConsole</c> (console reads, snapshot lists) at its transfer address with a console grant this broker
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
        using var call = Open(hostAddress, hostId, request.DesktopId);
        return await call.Client.ReadConsoleAsync(request, call.Grant, call.Deadline, cancellationToken);
    }

    /// <summary>Lists the desktop's snapshots as the host's chain manifest has them; throws as <see cref="ReadAsync"/>.</summary>
    public async Task<HostSnapshotList> ListSnapshotsAsync(Uri hostAddress, string hostId, string desktopId, CancellationToken cancellationToken)
    {
        using var call = Open(hostAddress, hostId, desktopId);
        return await call.Client.ListSnapshotsAsync(new ListSnapshotsRequest { DesktopId = desktopId }, call.Grant, call.Deadline, cancellationToken);
    }

    /// <summary>A channel to the host over the shared pool, with a fresh grant for one desktop and the call's deadline.</summary>
    private HostCall Open(Uri hostAddress, string hostId, string desktopId)
    {
        var now = time.GetUtcNow();
        var grant = signer.Sign(new ConsoleGrant
        {
            HostId = hostId,
            DesktopId = desktopId,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now + GrantLifetime),
        });
        var channel = GrpcChannel.ForAddress(hostAddress, new GrpcChannelOptions { HttpHandler = _handler, DisposeHttpClient = false });
        return new HostCall(
            channel,
            new HostConsole.HostConsoleClient(channel),
            new Metadata { { ConsoleGrants.MetadataKey, ConsoleGrants.Encode(grant) } },
            (now + CallTimeout).UtcDateTime);
    }

    public void Dispose() => _handler.Dispose();

    private sealed record HostCall(GrpcChannel Channel, HostConsole.HostConsoleClient Client, Metadata Grant, DateTime Deadline) : IDisposable
    {
        public void Dispose() => Channel.Dispose();
    }
}
