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
        _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
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
        var hostChainAfterExplicitSync = hostLayers.Manifest.CurrentChain().Count; // the deferral is over: the next boot's writes may be pushed in the background
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
        hostChainAfterExplicitSync.ShouldBe(hostChainBefore + 5);
        afterFinalBoot.ShouldBe("boot count 6", "the merged local chain holds every write");
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    public async Task Sync_FirstAfterARestart_WithNothingWritten_SealsAndPushesNothing(int syncedBoots, bool killed)
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock"));
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, hostLayers, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        var agent = await AgentUnderTest.StartAsync(directory);
        try
        {
            _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
            _ = await agent.Manager.CheckOutAsync(Desk, Token);
            _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
            for (var boot = 0; boot < syncedBoots; boot++)
            {
                _ = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
                (await agent.Manager.SyncAsync(Desk, Token)).PendingLayers.ShouldBe(0);
            }

            var snapshotsBefore = agent.Manager.Snapshots(Desk).Select(snapshot => snapshot.Layer.Id).ToList();
            var pushesBefore = host.Recorder.Pushes.Count;
            var hostChainBefore = hostLayers.Manifest.CurrentChain().Count;
            var onDisk = killed ? await DiskImage.TakeAsync(directory.File("laptop"), directory.File("laptop-at-kill")) : null;
            await agent.DisposeAsync();
            onDisk?.PutBack();
            agent = await AgentUnderTest.StartAsync(directory);

            var synced = await agent.Manager.SyncAsync(Desk, Token);

            synced.Message.ShouldNotBeNull().ShouldStartWith("Nothing to sync", customMessage: "nothing was written since the last seal");
            host.Recorder.Pushes.Count.ShouldBe(pushesBefore);
            hostLayers.Manifest.CurrentChain().Count.ShouldBe(hostChainBefore);
            agent.Manager.Snapshots(Desk).Select(snapshot => snapshot.Layer.Id).ShouldBe(snapshotsBefore, "no empty layer was sealed");
            var merges = synced.Record.MergedHostLayers;
            agent.Manager.Snapshots(Desk).SelectMany(snapshot => merges?.GetValueOrDefault(snapshot.Layer.Id) ?? [snapshot.Layer.Id])
                .ShouldBe(hostLayers.Manifest.CurrentChain().Select(layer => layer.Id), "each merged layer records the host layers it stands for (resync)");
            (merges is not null).ShouldBe(syncedBoots >= 3, "three acknowledged layers are merged");
            (await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk)).ShouldBe($"boot count {syncedBoots + 1}");
            (await agent.Manager.SyncAsync(Desk, Token)).PendingLayers.ShouldBe(0);
            hostLayers.Manifest.CurrentChain().Count.ShouldBe(hostChainBefore + 1, "a write after the restart is still synced");
            (await agent.Manager.SyncAsync(Desk, Token)).Message.ShouldNotBeNull().ShouldStartWith("Nothing to sync");
            hostLayers.Manifest.CurrentChain().Count.ShouldBe(hostChainBefore + 1, "nothing written since that sync");
        }
        finally
        {
            await agent.DisposeAsync();
        }
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
        _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
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
        _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);

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

    /// <summary>The files of a data directory as they are on disk now (what a kill -9 leaves), put back later in place of whatever is there then.</summary>
    private sealed class DiskImage
    {
        private readonly string _source;
        private readonly string _copy;

        private DiskImage(string source, string copy)
        {
            _source = source;
            _copy = copy;
        }

        /// <summary>Copies <paramref name="source"/> by <c>cp -a</c> (the agent's open files are locked to this process).</summary>
        public static async Task<DiskImage> TakeAsync(string source, string copy)
        {
            var run = await ExternalTool.RunAsync("cp", ["-a", source, copy], Token);
            run.ExitCode.ShouldBe(0, run.ToString());
            return new DiskImage(source, copy);
        }

        public void PutBack()
        {
            Directory.Delete(_source, recursive: true);
            Directory.Move(_copy, _source);
        }
    }
}
