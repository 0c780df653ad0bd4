using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Testing;

namespace Broker.ClientAgent.Tests.Brokers;

/// <summary>
/// The device session against the stand-in broker (real gRPC, real signed leases) and the stand-in
/// host: reconnecting, idempotent commands, lease verification and reports re-derived after a restart.
/// </summary>
public sealed class DeviceSessionTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";
    private const string Desk = StandInBroker.DesktopName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrokerDownAtStart_AgentWorksOffline_AndTheSessionConnectsOnceTheBrokerIsUp()
    {
        using var directory = new TempDirectory("broker-session-");
        await using var world = await StandIns.StartAsync(directory);
        await using (var enrolling = await AgentUnderTest.StartAsync(directory))
        {
            _ = await enrolling.Manager.LoginAsync(world.Broker.Address, null, "alice", "pw", "laptop", Token);
        }

        await world.Broker.GoDownAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory);
        var offline = await agent.Manager.ListAsync(Token);
        var refused = await Should.ThrowAsync<ClientRefusedException>(() => agent.Manager.CheckOutAsync(Desk, Token));
        var sessionsBefore = world.Broker.Sessions;
        await world.Broker.ServeAsync();
        await AgentUnderTest.WaitUntilAsync(() => world.Broker.Sessions > sessionsBefore);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        var ready = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);

        offline.ShouldBeEmpty();
        refused.Reason.ShouldBe(ClientRefusal.BrokerUnreachable);
        ready.Record.Epoch.ShouldBe(world.Broker.Epoch);
        world.Broker.State.ShouldBe("CheckedOut");
    }

    [Fact]
    public async Task RepeatedCommand_IsANoOp_AndACommandOfAnOlderEpochIsIgnored()
    {
        using var directory = new TempDirectory("broker-session-");
        await using var world = await StandIns.StartAsync(directory);
        await using var agent = await AgentUnderTest.StartAsync(directory);
        _ = await agent.Manager.LoginAsync(world.Broker.Address, null, "alice", "pw", "laptop", Token);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        var ready = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
        var answered = world.Broker.Results.Count;

        world.Broker.Resend(world.Broker.LastSent(AgentCommandKind.GrantLease));
        world.Broker.Resend(world.Broker.LastSent(AgentCommandKind.StartPull));
        await AgentUnderTest.WaitUntilAsync(() => world.Broker.Results.Count >= answered + 2);
        var after = await agent.Manager.StatusAsync(Desk, Token);

        var repeats = world.Broker.Results.Skip(answered).ToList();
        repeats.Select(repeat => (repeat.Command.Kind, repeat.Result.Succeeded)).ShouldBe([(AgentCommandKind.GrantLease, true), (AgentCommandKind.StartPull, true)]);
        repeats[0].Result.Detail.ShouldStartWith("Nothing to do");
        repeats[1].Result.Detail.ShouldStartWith("Ignored: epoch 2");
        after.Record.ShouldBe(ready.Record with { HostLayers = after.Record.HostLayers });
        after.Record.HostLayers.ShouldBe(ready.Record.HostLayers);
        after.Activity.ShouldBeNull("no second pull began");
    }

    [Fact]
    public async Task LeaseSignedByAnotherKey_IsRefused_AndTheDesktopWaitsUntilTheBrokerSignsItRight()
    {
        using var directory = new TempDirectory("broker-session-");
        await using var world = await StandIns.StartAsync(directory);
        world.Broker.SignLeasesWithAStrangerKey = true;
        await using var agent = await AgentUnderTest.StartAsync(directory);
        _ = await agent.Manager.LoginAsync(world.Broker.Address, null, "alice", "pw", "laptop", Token);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);

        await AgentUnderTest.WaitUntilAsync(() => world.Broker.Results.Any(answer => answer.Command.Kind == AgentCommandKind.GrantLease));
        var refused = world.Broker.Results.First(answer => answer.Command.Kind == AgentCommandKind.GrantLease).Result;
        var waiting = await agent.Manager.StatusAsync(Desk, Token);
        var start = await Should.ThrowAsync<ClientRefusedException>(() => agent.Manager.StartAsync(Desk, Token));
        world.Broker.SignLeasesWithAStrangerKey = false;
        var ready = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);

        refused.Succeeded.ShouldBeFalse();
        refused.Detail.ShouldContain("not signed by the key this device enrolled with");
        waiting.Record.Phase.ShouldBe(DesktopPhase.Pulled);
        waiting.Record.LeaseExpiresAt.ShouldBeNull();
        start.Reason.ShouldBe(ClientRefusal.WrongPhase);
        ready.Record.LeaseExpiresAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task PulledDesktopWaitingForItsLease_ReportsTransferCompletedAgainAfterARestart()
    {
        using var directory = new TempDirectory("broker-session-");
        await using var world = await StandIns.StartAsync(directory);
        world.Broker.HoldGrants = true;
        DesktopStatus pulled;
        await using (var agent = await AgentUnderTest.StartAsync(directory))
        {
            _ = await agent.Manager.LoginAsync(world.Broker.Address, null, "alice", "pw", "laptop", Token);
            _ = await agent.Manager.CheckOutAsync(Desk, Token);
            pulled = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Pulled);
        }

        world.Broker.HoldGrants = false;
        await using var restarted = await AgentUnderTest.StartAsync(directory);
        var ready = await restarted.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);

        pulled.Record.Epoch.ShouldBe(2UL);
        ready.Record.Epoch.ShouldBe(3UL);
        world.Broker.State.ShouldBe("CheckedOut");
    }

    /// <summary>The stand-in broker (serving) and host holding the counter desktop, wired so the host follows the broker's epoch.</summary>
    private sealed class StandIns : IAsyncDisposable
    {
        private StandIns(StandInBroker broker, StandInHost host, LayerStore layers)
        {
            Broker = broker;
            Host = host;
            Layers = layers;
        }

        public StandInBroker Broker { get; }

        public StandInHost Host { get; }

        public LayerStore Layers { get; }

        public static async Task<StandIns> StartAsync(TempDirectory directory)
        {
            var layers = await CounterDesktop.CreateAsync(directory, DesktopPaths.Of(directory.File("host"), DesktopId), Token);
            var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock"));
            var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
            host.Hold(DesktopId, layers, broker.Epoch, StandInBroker.DeviceId);
            broker.AuthorityMoved = epoch => host.Hold(DesktopId, layers, epoch, StandInBroker.DeviceId);
            await broker.ServeAsync();
            return new StandIns(broker, host, layers);
        }

        public async ValueTask DisposeAsync()
        {
            await Broker.DisposeAsync();
            await Host.DisposeAsync();
            await Layers.DisposeAsync();
        }
    }
}
