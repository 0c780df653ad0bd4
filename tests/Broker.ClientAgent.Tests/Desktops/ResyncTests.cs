using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>
/// Resync beyond check-out, against the stand-in broker and the real transfer host with real QEMU:
/// a host restored from a backup (it lost a layer the laptop recorded as acknowledged) is found by a
/// push refused for its parent or by the verification at agent start, and the lost layer is pushed
/// again; a laptop restored from a backup (it lacks a layer the host acknowledged) pulls it again at start.
/// </summary>
public sealed class ResyncTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";
    private const string Desk = StandInBroker.DesktopName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sync_AfterTheHostLostAnAcknowledgedLayer_PushesFromTheLastCommonLayer(bool restartAgent)
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock"));
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        var served = hostLayers;
        host.Hold(DesktopId, served, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, served, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        var agent = await AgentUnderTest.StartAsync(directory);
        LayerStore? restored = null;
        try
        {
            _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
            _ = await agent.Manager.CheckOutAsync(Desk, Token);
            _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
            _ = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            (await agent.Manager.SyncAsync(Desk, Token)).PendingLayers.ShouldBe(0);
            await CopyAsync(hostPaths.Chain, directory.File("host-backup"));
            _ = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            var acknowledged = await agent.Manager.SyncAsync(Desk, Token);
            acknowledged.PendingLayers.ShouldBe(0);
            var lost = acknowledged.Record.HostLayers[^1];

            restored = await LayerStore.OpenAsync(FileStorage.Instance, directory.File("host-backup"), null, Token);
            served = restored;
            host.Hold(DesktopId, restored, broker.Epoch, StandInBroker.DeviceId);
            if (restartAgent)
            {
                await agent.DisposeAsync();
                agent = await AgentUnderTest.StartAsync(directory);
                var verified = await agent.WaitForAsync(Desk, status => status.PendingLayers == 1);
                verified.Record.HostLayers.ShouldNotContain(lost, "the verification at start found the host without it");
                verified.Message.ShouldNotBeNull().ShouldContain("lacks 1 layer");
            }

            var third = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            var synced = await agent.Manager.SyncAsync(Desk, Token);

            third.ShouldBe("boot count 3");
            synced.PendingLayers.ShouldBe(0, synced.Message);
            var merges = synced.Record.MergedHostLayers;
            var local = agent.Manager.Snapshots(Desk).SelectMany(snapshot => merges?.GetValueOrDefault(snapshot.Layer.Id) ?? [snapshot.Layer.Id]).ToList();
            restored.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe(local, "the host holds the local chain again, the lost layer pushed anew");
            restored.Manifest.CurrentChain().Count.ShouldBe(3);
            restored.Manifest.Find(lost).ShouldNotBeNull();
            (await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk)).ShouldBe("boot count 4");
        }
        finally
        {
            await agent.DisposeAsync();
            if (restored is not null)
            {
                await restored.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AgentStart_AfterTheLaptopLostAnAcknowledgedLayer_PullsItAgain()
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
            _ = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            (await agent.Manager.SyncAsync(Desk, Token)).PendingLayers.ShouldBe(0);
            await agent.DisposeAsync();
            await CopyAsync(directory.File("laptop"), directory.File("laptop-backup"));
            agent = await AgentUnderTest.StartAsync(directory);
            _ = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            (await agent.Manager.SyncAsync(Desk, Token)).PendingLayers.ShouldBe(0);
            await agent.DisposeAsync();
            Directory.Delete(directory.File("laptop"), recursive: true);
            Directory.Move(directory.File("laptop-backup"), directory.File("laptop"));

            agent = await AgentUnderTest.StartAsync(directory);
            var hostChain = hostLayers.Manifest.CurrentChain().Select(layer => layer.Id).ToList();
            var resynced = await agent.WaitForAsync(Desk, status => status.Record.HostLayers.Count == hostChain.Count);

            resynced.Record.HostLayers.ShouldBe(hostChain);
            agent.Manager.Snapshots(Desk).Select(snapshot => snapshot.Layer.Id).ShouldBe(hostChain, "the layer the laptop lost came back from the host");
            (await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk)).ShouldBe("boot count 3", "the second boot's writes are the pulled layer's");
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sync_AfterBothSidesBooted_KeepsTheLocalBranchAside_WhichBlocksCheckInUntilDiscarded()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock"));
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        var served = hostLayers;
        host.Hold(DesktopId, served, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, served, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory);
        try
        {
            _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
            _ = await agent.Manager.CheckOutAsync(Desk, Token);
            _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
            _ = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            (await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk)).ShouldBe("boot count 2");

            // The server copy moves on too (as after a revoke): its own first boot, sealed.
            (await CheckOutCycleTests.BootOnHostAsync(hostLayers, hostPaths)).ShouldBe("boot count 1");
            served = hostLayers = await LayerStore.OpenAsync(FileStorage.Instance, hostPaths.Chain, null, Token);
            host.Hold(DesktopId, served, broker.Epoch, StandInBroker.DeviceId);
            var synced = await agent.Manager.SyncAsync(Desk, Token);
            var kept = (await agent.Manager.DivergedAsync(Desk, Token)).ShouldHaveSingleItem();
            var refused = await Should.ThrowAsync<ClientRefusedException>(() => agent.Manager.CheckInAsync(Desk, Token));
            await Should.ThrowAsync<KeyNotFoundException>(() => agent.Manager.DiscardDivergedAsync(Desk, "diverged-999", Token));
            var left = await agent.Manager.DiscardDivergedAsync(Desk, kept.Name, Token);
            var next = await CheckOutCycleTests.BootLocallyAsync(agent.Manager, Desk);
            var checkingIn = await agent.Manager.CheckInAsync(Desk, Token);

            synced.Message.ShouldNotBeNull().ShouldContain("diverged");
            kept.Name.ShouldBe("diverged-001");
            kept.Layers.ShouldBeGreaterThanOrEqualTo(2, "its sealed local boot and its top");
            Directory.Exists(kept.Path).ShouldBeFalse("discarded");
            refused.Reason.ShouldBe(ClientRefusal.DivergedBranchesKept);
            refused.Message.ShouldContain("brokerctl desktop discard");
            left.ShouldBeEmpty();
            next.ShouldBe("boot count 2", "the laptop runs the server's chain (its boot 1) now");
            checkingIn.Record.Phase.ShouldBeOneOf([DesktopPhase.CheckInRequested, DesktopPhase.CheckingIn]);
        }
        finally
        {
            await hostLayers.DisposeAsync();
        }
    }

    /// <summary>Copies <paramref name="source"/> by <c>cp -a</c> (open files are locked to this process).</summary>
    private static async Task CopyAsync(string source, string copy)
    {
        var run = await ExternalTool.RunAsync("cp", ["-a", source, copy], Token);
        run.ExitCode.ShouldBe(0, run.ToString());
    }
}
