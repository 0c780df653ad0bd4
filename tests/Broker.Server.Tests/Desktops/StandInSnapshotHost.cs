using System.Net;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Server.Agents;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Tests.Desktops;

/// <summary>
/// A host agent's <c>HostConsole.ListSnapshots</c> on loopback that lists two snapshots of any
/// desktop (the second the top's parent) and checks grants with the broker's public key, as the real
/// one does. <see cref="StartForAsync"/> points the desktop's host at it.
/// </summary>
internal sealed class StandInSnapshotHost : HostConsole.HostConsoleBase, IAsyncDisposable
{
    public static readonly DateTimeOffset FirstSealedAt = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private readonly TicketVerifier _verifier;
    private readonly string _hostId;
    private WebApplication _app = null!;

    private StandInSnapshotHost(TicketVerifier verifier, string hostId)
    {
        _verifier = verifier;
        _hostId = hostId;
    }

    public Guid First { get; } = Guid.NewGuid();

    public Guid Second { get; } = Guid.NewGuid();

    public List<string> Asked { get; } = [];

    /// <summary>Starts a stand-in for the host of <paramref name="desktopId"/> and stores its address as that host's transfer address.</summary>
    public static async Task<StandInSnapshotHost> StartForAsync(ApiWorld world, Guid desktopId, CancellationToken cancellationToken)
    {
        var host = await HostOfAsync(world, desktopId, cancellationToken);
        using var key = TicketKeys.ImportPublicKeyPem(world.Factory.Services.GetRequiredService<SigningKey>().PublicKeyPem);
        var standIn = new StandInSnapshotHost(new TicketVerifier([key], TimeProvider.System), host.Id.ToString());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(standIn);
        standIn._app = builder.Build();
        standIn._app.MapGrpcService<StandInSnapshotHost>();
        await standIn._app.StartAsync(cancellationToken);
        var address = standIn._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await UpdateHostAsync(world, host.Id, stored => stored with { TransferAddress = address }, cancellationToken);
        return standIn;
    }

    /// <summary>Marks the host of <paramref name="desktopId"/> offline, as the reconcile loop does when heartbeats stop.</summary>
    public static async Task SetOfflineAsync(ApiWorld world, Guid desktopId, CancellationToken cancellationToken) =>
        await UpdateHostAsync(world, (await HostOfAsync(world, desktopId, cancellationToken)).Id, host => host with { Health = HostHealth.Offline }, cancellationToken);

    public override Task<HostSnapshotList> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context)
    {
        if (_verifier.CheckConsoleGrant(context.RequestHeaders.GetValue(ConsoleGrants.MetadataKey), _hostId, request.DesktopId) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal.ToString()));
        }

        Asked.Add(request.DesktopId);
        var list = new HostSnapshotList { TopParentLayerId = Second.ToString(), ManifestEpoch = 3 };
        list.Snapshots.Add(Snapshot(First, parent: null, FirstSealedAt, 5 << 20, isTopParent: false));
        list.Snapshots.Add(Snapshot(Second, First, FirstSealedAt.AddHours(1), 4 << 20, isTopParent: true));
        return Task.FromResult(list);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _verifier.Dispose();
    }

    private static HostSnapshot Snapshot(Guid layer, Guid? parent, DateTimeOffset sealedAt, ulong size, bool isTopParent) => new()
    {
        LayerId = layer.ToString(),
        ParentLayerId = parent?.ToString() ?? string.Empty,
        SealedAt = Timestamp.FromDateTimeOffset(sealedAt),
        CreatedAt = Timestamp.FromDateTimeOffset(sealedAt.AddMinutes(-30)),
        SizeBytes = size,
        ContentSha256 = new string('a', 64),
        IsTopParent = isTopParent,
    };

    private static async Task<Host> HostOfAsync(ApiWorld world, Guid desktopId, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var desktop = (await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(new DesktopId(desktopId), cancellationToken)).ShouldNotBeNull();
        return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(desktop.Host, cancellationToken)).ShouldNotBeNull();
    }

    private static async Task UpdateHostAsync(ApiWorld world, HostId id, Func<Host, Host> change, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var hosts = scope.ServiceProvider.GetRequiredService<IHostStore>();
        var host = (await hosts.FindAsync(id, cancellationToken)).ShouldNotBeNull();
        (await hosts.UpdateAsync(change(host), cancellationToken)).Outcome.ShouldBe(Core.WriteOutcome.Saved);
    }
}
