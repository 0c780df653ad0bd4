using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Testing;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>
/// Background sync as the lease orders it (the pool's interval, not the agent's option), the local
/// merge of acknowledged layers, no layer for an untouched top, the user's deferral, and a local
/// cancel told to the broker; against the stand-in broker and host with real QEMU.
/// </summary>
public sealed class BackgroundSyncTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";
    private const string Desk = StandInBroker.DesktopName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BackgroundSync_AtTheLeasesInterval_PushesMergesAcknowledgedLayersAndSkipsAnUntouchedTop()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock")) { SyncInterval = TimeSpan.FromSeconds(1), UserMayDeferSync = true };
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, hostLayers, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory); // the agent's own interval stays 15 minutes
        _ = await agent.Manager.LoginAsync(broker.Address, "alice", "pw", "laptop", Token);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
        var hostChainBefore = hostLayers.Manifest.CurrentChain().Count;

        var boots = new List<string>();
        var sealedCounts = new List<int>();
        for (var round = 0; round < 4; round++)
        {
            var before = (await agent.Manager.StatusAsync(Desk, Token)).Record.LastSyncAt;
            boots.Add(await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk));
            _ = await agent.WaitForAsync(Desk, status => status.Record.LastSyncAt != before);
            var settled = await agent.WaitForAsync(Desk, status => status.Message?.StartsWith("Nothing to sync", StringComparison.Ordinal) == true);
            settled.PendingLayers.ShouldBe(0);
            sealedCounts.Add(agent.Manager.Snapshots(Desk).Count);
        }

        var hostChainAfterSyncs = hostLayers.Manifest.CurrentChain().Count;
        var deferred = await agent.Manager.DeferSyncAsync(Desk, TimeSpan.FromHours(1), Token);
        var deferredBoot = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
        var whileDeferred = await agent.Manager.StatusAsync(Desk, Token);
        var synced = await agent.Manager.SyncAsync(Desk, Token);
        var afterFinalBoot = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);

        boots.ShouldBe(["boot count 1", "boot count 2", "boot count 3", "boot count 4"]);
        sealedCounts.ShouldAllBe(count => count <= 2, "acknowledged layers are merged after each sync, keeping the newest");
        hostChainAfterSyncs.ShouldBe(hostChainBefore + 4, "one layer per sync that had writes, none for an untouched top");
        deferred.Sync.ShouldNotBeNull().Deferred.ShouldBeTrue();
        deferred.Sync.NextAt.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().AddMinutes(50));
        deferredBoot.ShouldBe("boot count 5");
        whileDeferred.Record.LastSyncAt.ShouldBe(deferred.Record.LastSyncAt, "nothing is pushed while deferred");
        synced.Sync.ShouldNotBeNull().Deferred.ShouldBeFalse("an explicit sync ends the deferral");
        synced.PendingLayers.ShouldBe(0, synced.Message);
        hostLayers.Manifest.CurrentChain().Count.ShouldBe(hostChainBefore + 5);
        afterFinalBoot.ShouldBe("boot count 6", "the merged local chain holds every write");
    }

    [Fact]
    public async Task DeferSync_WhenTheLeaseDoesNotAllowIt_IsRefused()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock")) { SyncInterval = TimeSpan.FromHours(1) };
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, hostLayers, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory);
        _ = await agent.Manager.LoginAsync(broker.Address, "alice", "pw", "laptop", Token);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        var ready = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);

        var refused = await Should.ThrowAsync<ClientRefusedException>(() => agent.Manager.DeferSyncAsync(Desk, TimeSpan.FromHours(1), Token));

        refused.Reason.ShouldBe(ClientRefusal.SyncDeferNotAllowed);
        refused.Message.ShouldContain("brokerctl desktop sync");
        ready.Record.Sync.ShouldNotBeNull().Interval.ShouldBe(TimeSpan.FromHours(1));
        ready.Sync.ShouldNotBeNull().NextAt.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().AddMinutes(50), "the lease's hour, not the agent's 15 minutes");
    }

    [Fact]
    public async Task Cancel_OfACheckOut_IsToldToTheBroker_AtOnceOrAtTheNextConnection()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock")) { HoldGrants = true };
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory);
        _ = await agent.Manager.LoginAsync(broker.Address, "alice", "pw", "laptop", Token);

        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Pulled);
        await agent.Manager.CancelAsync(Desk, Token);
        var toldAtOnce = (broker.State, broker.Cancellations.Count, agent.Manager.CancellationUntold(DesktopId));

        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Pulled);
        await broker.GoDownAsync();
        await agent.Manager.CancelAsync(Desk, Token);
        var queued = (broker.State, agent.Manager.CancellationUntold(DesktopId));
        await broker.ServeAsync();
        await AgentUnderTest.WaitUntilAsync(() => !agent.Manager.CancellationUntold(DesktopId));

        toldAtOnce.ShouldBe(("Available", 1, false));
        queued.ShouldBe(("Transferring", true));
        broker.State.ShouldBe("Available");
        broker.Cancellations.ShouldBe([broker.Epoch, broker.Epoch]);
        (await agent.Manager.ListAsync(Token)).ShouldBeEmpty("the local copy went at the cancel");
    }
}
