using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Testing.Qemu;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>
/// The client agent against a stand-in host (the real <c>DiskTransfer</c> service over a real layer
/// store) and a stand-in broker (real signed tickets), with real QEMU booting the counter guest.
/// </summary>
public sealed class CheckOutCycleTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckOut_BootsLocally_SyncsAndChecksIn_CountContinuesAcrossServerAndLaptop()
    {
        using var directory = new TempDirectory("broker-client-");
        using var broker = new StandInBroker(DesktopId, HostId, TimeProvider.System);
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        (await BootOnHostAsync(hostLayers, hostPaths)).ShouldBe("boot count 1");
        hostLayers = await LayerStore.OpenAsync(FileStorage.Instance, hostPaths.Chain, null, Token);
        var options = new ClientAgentOptions { DataDirectory = directory.File("laptop"), MemoryMiB = 32, Hosts = { [HostId] = "unix:" + directory.File("transfer.sock") } };

        string[] laptopBoots;
        await using (var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier()))
        await using (var agent = await DesktopManager.OpenAsync(broker, options, TimeProvider.System, Token))
        {
            host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
            await CheckOutAsync(agent);
            var second = await BootLocallyAsync(agent, "alice-desk");
            var synced = await agent.SyncAsync("alice-desk", Token);
            var third = await BootLocallyAsync(agent, "alice-desk");
            laptopBoots = [second, third];

            synced.PendingLayers.ShouldBe(0, synced.Message);
            synced.Record.LastSyncAt.ShouldNotBeNull();
            await agent.CheckInAsync("alice-desk", Token);
            (await agent.ListAsync(Token)).ShouldBeEmpty();
        }

        laptopBoots.ShouldBe(["boot count 2", "boot count 3"]);
        broker.CheckedIn.Count.ShouldBe(1);
        hostLayers.Manifest.CurrentChain().Select(layer => layer.Id).ShouldContain(broker.CheckedIn[0]);
        (await BootOnHostAsync(hostLayers, hostPaths)).ShouldBe("boot count 4");
        Directory.Exists(DesktopPaths.Of(options.DataDirectory, DesktopId).Root).ShouldBeFalse("check-in releases the local copy");
        Directory.EnumerateFiles(Path.Combine(options.DataDirectory, "bases"), "*.vhdx", SearchOption.AllDirectories).ShouldNotBeEmpty("the base stays cached");
    }

    [Fact]
    public async Task Sync_WithTheBrokerDown_IsQueuedAndCompletesWhenItIsBack_WhileLocalUseGoesOn()
    {
        using var directory = new TempDirectory("broker-client-");
        using var broker = new StandInBroker(DesktopId, HostId, TimeProvider.System);
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        var options = new ClientAgentOptions { DataDirectory = directory.File("laptop"), MemoryMiB = 32, Hosts = { [HostId] = "unix:" + directory.File("transfer.sock") } };
        await using var agent = await DesktopManager.OpenAsync(broker, options, TimeProvider.System, Token);
        await CheckOutAsync(agent);

        broker.Reachable = false;
        var first = await BootLocallyAsync(agent, "alice-desk");
        var refused = await Should.ThrowAsync<ClientRefusedException>(() => agent.SyncAsync("alice-desk", Token));
        var queued = await agent.StatusAsync("alice-desk", Token);
        var second = await BootLocallyAsync(agent, "alice-desk");
        broker.Reachable = true;
        var synced = await agent.SyncAsync("alice-desk", Token);

        new[] { first, second }.ShouldBe(["boot count 1", "boot count 2"]);
        refused.Reason.ShouldBe(ClientRefusal.BrokerUnreachable);
        queued.PendingLayers.ShouldBe(1);
        synced.PendingLayers.ShouldBe(0, synced.Message);
        hostLayers.Manifest.CurrentChain().Count.ShouldBe(2, "both sealed layers arrived at the host");
    }

    private static async Task CheckOutAsync(DesktopManager agent)
    {
        _ = await agent.LoginAsync("https://broker.test", "alice", "pw", "laptop", Token);
        _ = await agent.CheckOutAsync("alice-desk", Token);
        await agent.WaitForPullAsync("alice-desk", Token);
        var status = await agent.StatusAsync("alice-desk", Token);
        status.Record.Phase.ShouldBe(DesktopPhase.Ready, status.Message);
    }

    private static async Task<string> BootLocallyAsync(DesktopManager agent, string desktop)
    {
        _ = await agent.StartAsync(desktop, Token);
        await agent.WaitForPowerOffAsync(desktop, Token).WaitAsync(TimeSpan.FromSeconds(60), Token);
        _ = await agent.StopAsync(desktop, Token);
        return LastLine(SerialLog.Read(agent.PathsOf(desktop).SerialLog));
    }

    /// <summary>Boots the host's copy once (as the server would run it), seals the top, and closes the store.</summary>
    private static async Task<string> BootOnHostAsync(LayerStore layers, DesktopPaths paths)
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
