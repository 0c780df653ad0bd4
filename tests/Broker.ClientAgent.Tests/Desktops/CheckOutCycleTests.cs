using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Testing.Qemu;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>
/// The whole client agent in-process against a stand-in broker (a real gRPC AgentGateway with real
/// signed tickets and leases, driving the cycle by commands on the device session) and a stand-in
/// host (the real <c>DiskTransfer</c> service over a real layer store), with real QEMU booting the
/// counter guest.
/// </summary>
public sealed class CheckOutCycleTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";
    private const string Desk = StandInBroker.DesktopName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckOut_BootsLocally_SyncsAndChecksIn_CountContinuesAcrossServerAndLaptop()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        (await BootOnHostAsync(hostLayers, hostPaths)).ShouldBe("boot count 1");
        hostLayers = await LayerStore.OpenAsync(FileStorage.Instance, hostPaths.Chain, null, Token);
        var hostChainBefore = hostLayers.Manifest.CurrentChain().Count;

        string[] laptopBoots;
        DesktopStatus requested, ready, synced, checkingIn;
        await using (var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock")))
        await using (var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier()))
        await using (var agent = await AgentUnderTest.StartAsync(directory))
        {
            host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
            broker.AuthorityMoved = epoch => host.Hold(DesktopId, hostLayers, epoch, StandInBroker.DeviceId);
            await broker.ServeAsync();
            _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);

            requested = await agent.Manager.CheckOutAsync(Desk, Token);
            ready = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
            var second = await BootLocallyAsync(agent.Manager, Desk);
            synced = await agent.Manager.SyncAsync(Desk, Token);
            var third = await BootLocallyAsync(agent.Manager, Desk);
            laptopBoots = [second, third];

            checkingIn = await agent.Manager.CheckInAsync(Desk, Token);
            _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Uploaded);
            broker.CommitCheckIn();
            await agent.WaitUntilReleasedAsync(Desk);
        }

        requested.Record.Phase.ShouldBe(DesktopPhase.Requested);
        ready.Record.Epoch.ShouldBe(3UL, "the lease's epoch, one past the pull's");
        ready.Record.LeaseExpiresAt.ShouldNotBeNull();
        laptopBoots.ShouldBe(["boot count 2", "boot count 3"]);
        synced.PendingLayers.ShouldBe(0, synced.Message);
        synced.Record.LastSyncAt.ShouldNotBeNull();
        checkingIn.Record.Phase.ShouldBeOneOf([DesktopPhase.CheckInRequested, DesktopPhase.CheckingIn], "check-in asked; BEGIN_CHECK_IN may already have arrived");
        hostLayers.Manifest.CurrentChain().Count.ShouldBe(hostChainBefore + 2, "the sync's layer and the final layer reached the host");
        (await BootOnHostAsync(hostLayers, hostPaths)).ShouldBe("boot count 4");
        Directory.Exists(DesktopPaths.Of(directory.File("laptop"), DesktopId).Root).ShouldBeFalse("check-in releases the local copy");
        Directory.EnumerateFiles(directory.File("laptop/bases"), "*.vhdx", SearchOption.AllDirectories).ShouldNotBeEmpty("the base stays cached");
    }

    [Fact]
    public async Task Sync_WithTheBrokerDown_IsQueuedAndCompletesWhenItIsBack_WhileLocalUseGoesOn()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock"));
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, hostLayers, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory);
        _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);

        await broker.GoDownAsync();
        var first = await BootLocallyAsync(agent.Manager, Desk);
        var refused = await Should.ThrowAsync<ClientRefusedException>(() => agent.Manager.SyncAsync(Desk, Token));
        var queued = await agent.Manager.StatusAsync(Desk, Token);
        var second = await BootLocallyAsync(agent.Manager, Desk);
        var sessions = broker.Sessions;
        await broker.ServeAsync();
        await AgentUnderTest.WaitUntilAsync(() => broker.Sessions > sessions);
        var synced = await agent.Manager.SyncAsync(Desk, Token);

        new[] { first, second }.ShouldBe(["boot count 1", "boot count 2"]);
        refused.Reason.ShouldBe(ClientRefusal.BrokerUnreachable);
        queued.PendingLayers.ShouldBe(1);
        synced.PendingLayers.ShouldBe(0, synced.Message);
        hostLayers.Manifest.CurrentChain().Count.ShouldBe(2, "both sealed layers arrived at the host");
    }

    internal static async Task<string> BootLocallyAsync(DesktopManager agent, string desktop)
    {
        _ = await agent.StartAsync(desktop, Token);
        await agent.WaitForPowerOffAsync(desktop, Token).WaitAsync(TimeSpan.FromSeconds(60), Token);
        _ = await agent.StopAsync(desktop, Token);
        return LastLine(SerialLog.Read(agent.PathsOf(desktop).SerialLog));
    }

    /// <summary>Boots the host's copy once (as the server would run it), seals the top, and closes the store.</summary>
    internal static async Task<string> BootOnHostAsync(LayerStore layers, DesktopPaths paths)
    {
        await using var runtime = await DesktopRuntime.ServeAsync(layers, paths, Token);
        await runtime.StartAsync("server", new ClientAgentOptions { MemoryMiB = 32 }, TimeProvider.System, Token);
        await runtime.WaitForExitAsync(Token).WaitAsync(TimeSpan.FromSeconds(60), Token);
        await runtime.StopAsync(Token);
        _ = await runtime.SealAsync(Token);
        return LastLine(SerialLog.Read(paths.SerialLog));
    }

    private static string LastLine(string serial) => serial.Trim().Split('\n')[^1].Trim();
}
