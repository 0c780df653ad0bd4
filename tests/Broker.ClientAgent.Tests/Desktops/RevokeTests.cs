using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;
using Grpc.Core;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>
/// REVOKE_LOCAL_COPY against the stand-in broker and the real <c>DiskTransfer</c> service, which files
/// the revoked device's late push in the desktop's real quarantine (<see cref="LayerQuarantine"/>):
/// the changes the host never acknowledged go there once, as one layer under the revoked epoch, and
/// are never lost to a refusal or a restart.
/// </summary>
public sealed class RevokeTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";
    private const string Desk = StandInBroker.DesktopName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Revoke_WithUnsyncedWrites_SendsThemOnceAsOneQuarantinedLayer_ThenWipes()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        var hostChain = hostLayers.Manifest.CurrentChain().Select(layer => layer.Id).ToList();
        var hostNewest = hostLayers.Manifest.Top.ParentId;
        string[] laptopBoots;
        ulong revokedEpoch;
        CommandResult result;
        IReadOnlyList<(PushHeader Header, PushResult Result)> latePushes;
        QuarantinedLayerRecord quarantined;
        await using (var world = await RevokeWorld.StartAsync(directory, hostLayers))
        {
            var first = await CheckOutCycleTests.BootLocallyAsync(world.Agent.Manager, Desk);
            world.Broker.TicketRefusal = new Status(StatusCode.Unavailable, "The broker is being upgraded.");
            _ = await Should.ThrowAsync<ClientRefusedException>(() => world.Agent.Manager.SyncAsync(Desk, Token));
            var second = await CheckOutCycleTests.BootLocallyAsync(world.Agent.Manager, Desk);
            laptopBoots = [first, second];
            world.Broker.TicketRefusal = null;
            var before = world.Host.Recorder.Pushes.Count;

            revokedEpoch = world.Broker.Epoch;
            world.Broker.Revoke(wipe: true);
            result = await world.WaitForRevokeResultAsync();
            await world.Agent.WaitUntilReleasedAsync(Desk);
            latePushes = [.. world.Host.Recorder.Pushes.Skip(before)];
            quarantined = world.Quarantine.Layers.ShouldHaveSingleItem();
        }

        laptopBoots.ShouldBe(["boot count 1", "boot count 2"]);
        var late = latePushes.ShouldHaveSingleItem("the sealed-but-unsent layer and the written top travel as one layer, once");
        late.Header.Epoch.ShouldBe(revokedEpoch);
        late.Result.Quarantined.ShouldBeTrue();
        quarantined.Epoch.ShouldBe(revokedEpoch);
        quarantined.DeviceId.ShouldBe(StandInBroker.DeviceId);
        quarantined.ParentId.ShouldBe(hostNewest, "built on the newest layer the host held");
        result.Succeeded.ShouldBeTrue(result.Detail);
        result.Detail.ShouldContain("of unsynced changes sent to the server's quarantine");
        result.Detail.ShouldContain("wiped");
        Directory.Exists(DesktopPaths.Of(directory.File("laptop"), DesktopId).Root).ShouldBeFalse("the command asked for a wipe");
        hostLayers.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe(hostChain, "the chain never takes a revoked device's layer");

        // Promoted, the quarantined layer holds both laptop boots: the server counts on from there.
        _ = await hostLayers.GraftAsync(quarantined, Path.Combine(directory.File("host/quarantine"), quarantined.File), Token);
        (await CheckOutCycleTests.BootOnHostAsync(hostLayers, hostPaths)).ShouldBe("boot count 3");
    }

    [Fact]
    public async Task Revoke_WithEverythingSynced_PushesNothing_AndKeepsTheCopyReadOnly()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var world = await RevokeWorld.StartAsync(directory, hostLayers);
        _ = await CheckOutCycleTests.BootLocallyAsync(world.Agent.Manager, Desk);
        var synced = await world.Agent.Manager.SyncAsync(Desk, Token);
        var before = world.Host.Recorder.Pushes.Count;

        world.Broker.Revoke(wipe: false);
        var result = await world.WaitForRevokeResultAsync();
        var status = await world.Agent.Manager.StatusAsync(Desk, Token);
        var start = await Should.ThrowAsync<ClientRefusedException>(() => world.Agent.Manager.StartAsync(Desk, Token));

        synced.PendingLayers.ShouldBe(0, synced.Message);
        world.Host.Recorder.Pushes.Count.ShouldBe(before, "nothing was unsynced, so nothing is pushed");
        world.Quarantine.Layers.ShouldBeEmpty();
        result.Detail.ShouldBe("Revoked; nothing was unsynced. The local copy is kept read-only.");
        status.Record.Phase.ShouldBe(DesktopPhase.Revoked);
        status.Message.ShouldBe("Revoked; nothing was unsynced.");
        start.Reason.ShouldBe(ClientRefusal.Revoked);
    }

    [Fact]
    public async Task Revoke_WhenTheBrokerRefusesTheTicket_KeepsTheChangesDespiteTheWipe_AndSaysWhy()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var world = await RevokeWorld.StartAsync(directory, hostLayers);
        _ = await CheckOutCycleTests.BootLocallyAsync(world.Agent.Manager, Desk);
        var before = world.Host.Recorder.Pushes.Count;
        world.Broker.TicketRefusal = new Status(StatusCode.FailedPrecondition, "Late layers of this desktop are not accepted.");

        world.Broker.Revoke(wipe: true);
        var result = await world.WaitForRevokeResultAsync();
        var status = await world.Agent.Manager.StatusAsync(Desk, Token);

        world.Host.Recorder.Pushes.Count.ShouldBe(before);
        world.Quarantine.Layers.ShouldBeEmpty();
        status.Record.Phase.ShouldBe(DesktopPhase.Revoked);
        status.Record.Revocation.ShouldNotBeNull().UnsyncedBytes.ShouldNotBeNull().ShouldBeGreaterThan(0);
        status.Message.ShouldNotBeNull();
        status.Message.ShouldContain("of unsynced changes kept locally");
        status.Message.ShouldContain("Late layers of this desktop are not accepted.");
        result.Detail.ShouldContain("kept read-only");
        var chain = DesktopPaths.Of(directory.File("laptop"), DesktopId).Chain;
        await using var local = await LayerStore.OpenAsync(FileStorage.Instance, chain, null, Token);
        local.Manifest.CurrentChain().Count(layer => !status.Record.HostLayers.Contains(layer.Id)).ShouldBe(1, "the sealed unsynced layer stays");
    }

    [Fact]
    public async Task Revoke_InterruptedAfterTheSeal_ResumesAfterARestart_AndPushesOnce()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var world = await RevokeWorld.StartAsync(directory, hostLayers);
        _ = await CheckOutCycleTests.BootLocallyAsync(world.Agent.Manager, Desk);
        var before = world.Host.Recorder.Pushes.Count;
        var revokedEpoch = world.Broker.Epoch;
        world.Broker.TicketRefusal = new Status(StatusCode.Unavailable, "The broker is being upgraded.");

        world.Broker.Revoke(wipe: false);
        var waiting = await world.WaitForRevokeResultAsync();
        var interrupted = await world.Agent.Manager.StatusAsync(Desk, Token);
        world.Broker.TicketRefusal = null;
        await world.RestartAgentAsync();
        var revoked = await world.Agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Revoked);
        // Counted before the restart: the restarted agent may connect before RestartAgentAsync returns.
        var sessions = world.Broker.Sessions;
        await world.RestartAgentAsync();
        await AgentUnderTest.WaitUntilAsync(() => world.Broker.Sessions > sessions);

        waiting.Detail.ShouldContain("wait to be sent to the server's quarantine");
        interrupted.Record.Phase.ShouldBe(DesktopPhase.Quarantining, "sealed, not yet pushed");
        revoked.Message.ShouldNotBeNull().ShouldContain("of unsynced changes sent to the server's quarantine");
        var late = world.Host.Recorder.Pushes.Skip(before).ShouldHaveSingleItem("resumed once, and not again after the next restart");
        late.Header.Epoch.ShouldBe(revokedEpoch);
        world.Quarantine.Layers.ShouldHaveSingleItem().Epoch.ShouldBe(revokedEpoch);
    }

    [Fact]
    public async Task Revoke_WhileTheHostIsUnreachable_RetriesWithDurableBackoffAcrossARestart_UntilTheHostTakesIt()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, Token);
        await using var world = await RevokeWorld.StartAsync(directory, hostLayers);
        _ = await CheckOutCycleTests.BootLocallyAsync(world.Agent.Manager, Desk);
        var revokedEpoch = world.Broker.Epoch;
        await world.StopHostAsync();

        world.Broker.Revoke(wipe: false);
        var waiting = await world.WaitForRevokeResultAsync();
        var retrying = await world.Agent.WaitForAsync(Desk, status => status.Record.Revocation?.PushAttempts >= 3);
        await world.RestartAgentAsync();
        var afterRestart = await world.Agent.WaitForAsync(Desk, status => status.Record.Revocation?.PushAttempts > retrying.Record.Revocation!.PushAttempts);
        var sessions = world.Broker.Sessions;
        await world.StartHostAsync();
        var revoked = await world.Agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Revoked);

        waiting.Detail.ShouldContain("wait to be sent to the server's quarantine");
        var schedule = retrying.Record.Revocation.ShouldNotBeNull();
        schedule.NextAttemptAt.ShouldNotBeNull().ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().AddSeconds(-10));
        retrying.Record.Phase.ShouldBe(DesktopPhase.Quarantining);
        retrying.Message.ShouldNotBeNull().ShouldContain("the next is at");
        afterRestart.Record.Phase.ShouldBe(DesktopPhase.Quarantining, "the host is still down");
        world.Broker.Sessions.ShouldBe(sessions, "the retry came from the backoff, not from a new connection to the broker");
        revoked.Message.ShouldNotBeNull().ShouldContain("of unsynced changes sent to the server's quarantine");
        var late = world.Host.Recorder.Pushes.ShouldHaveSingleItem("the restarted host took the changes once");
        late.Header.Epoch.ShouldBe(revokedEpoch);
        world.Quarantine.Layers.ShouldHaveSingleItem().Epoch.ShouldBe(revokedEpoch);
    }

    /// <summary>A desktop checked out to the agent under test and ready, a host whose quarantine takes the device's late pushes once the broker revokes.</summary>
    private sealed class RevokeWorld : IAsyncDisposable
    {
        private readonly TempDirectory _directory;
        private readonly LayerStore _hostLayers;
        private ulong _heldEpoch;

        private RevokeWorld(TempDirectory directory, LayerStore hostLayers, StandInBroker broker, StandInHost host, LayerQuarantine quarantine)
        {
            _directory = directory;
            _hostLayers = hostLayers;
            Broker = broker;
            Host = host;
            Quarantine = quarantine;
            Agent = null!;
        }

        public StandInBroker Broker { get; }

        public StandInHost Host { get; private set; }

        public LayerQuarantine Quarantine { get; }

        public AgentUnderTest Agent { get; private set; }

        private string HostSocket => _directory.File("transfer.sock");

        public static async Task<RevokeWorld> StartAsync(TempDirectory directory, LayerStore hostLayers)
        {
            var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock"));
            var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
            var quarantine = await LayerQuarantine.OpenAsync(FileStorage.Instance, directory.File("host/quarantine"), null, Token);
            var world = new RevokeWorld(directory, hostLayers, broker, host, quarantine);
            world.Hold(broker.Epoch);
            broker.AuthorityMoved = world.Hold;
            await broker.ServeAsync();
            world.Agent = await AgentUnderTest.StartAsync(directory);
            _ = await world.Agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
            _ = await world.Agent.Manager.CheckOutAsync(Desk, Token);
            _ = await world.Agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
            return world;
        }

        /// <summary>Waits for the device's answer to REVOKE_LOCAL_COPY.</summary>
        public async Task<CommandResult> WaitForRevokeResultAsync()
        {
            await AgentUnderTest.WaitUntilAsync(() => Broker.ResultOf(AgentCommandKind.RevokeLocalCopy) is not null);
            return Broker.ResultOf(AgentCommandKind.RevokeLocalCopy)!;
        }

        /// <summary>Disposes the agent (as a killed one, it keeps only what is durable) and starts it again on its data directory.</summary>
        public async Task RestartAgentAsync()
        {
            await Agent.DisposeAsync();
            Agent = await AgentUnderTest.StartAsync(_directory);
        }

        /// <summary>Stops the host's transfer service: its socket is gone, so pushes find the host unreachable.</summary>
        public async Task StopHostAsync()
        {
            await Host.DisposeAsync();
            File.Delete(HostSocket);
        }

        /// <summary>Starts the host's transfer service again, holding the desktop as the broker last said.</summary>
        public async Task StartHostAsync()
        {
            Host = await StandInHost.StartAsync(HostSocket, HostId, Broker.Verifier());
            Hold(_heldEpoch);
        }

        public async ValueTask DisposeAsync()
        {
            await Agent.DisposeAsync();
            await Host.DisposeAsync();
            await Quarantine.DisposeAsync();
            await Broker.DisposeAsync();
        }

        /// <summary>Serves the desktop at <paramref name="epoch"/>: to the device, or after a revoke with its late pushes going to the quarantine.</summary>
        private void Hold(ulong epoch)
        {
            _heldEpoch = epoch;
            if (Broker.State == "Revoked")
            {
                Host.HoldRevoked(DesktopId, _hostLayers, epoch, new RevokedCheckOut(epoch - 1, StandInBroker.DeviceId, Quarantine));
            }
            else
            {
                Host.Hold(DesktopId, _hostLayers, epoch, StandInBroker.DeviceId);
            }
        }
    }
}
