using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>
/// The offline lease while the desktop runs, with real QEMU and a guest that never stops by itself:
/// the broker goes away, the lease lapses, and the running VM is suspended (not killed) and cannot
/// be started again until the broker renews the lease; then start resumes it, and a stop ends it.
/// </summary>
public sealed class LeaseEnforcementTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";
    private const string Desk = StandInBroker.DesktopName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunningDesktop_WhoseLeaseLapsesOffline_IsSuspended_AndResumedByStartOnceRenewed()
    {
        using var directory = new TempDirectory("broker-client-");
        var hostPaths = DesktopPaths.Of(directory.File("host"), DesktopId);
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, hostPaths, TestGuests.Halt, Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("transfer.sock")) { Lease = TimeSpan.FromSeconds(20) };
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        broker.AuthorityMoved = epoch => host.Hold(DesktopId, hostLayers, epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory, "--ClientAgent:LeaseCheckInterval=00:00:00.2", "--ClientAgent:StopTimeout=00:00:02");
        _ = await agent.Manager.LoginAsync(broker.Address, null, "alice", "pw", "laptop", Token);
        _ = await agent.Manager.CheckOutAsync(Desk, Token);
        _ = await agent.WaitForAsync(Desk, status => status.Record.Phase == DesktopPhase.Ready);
        var started = await agent.Manager.StartAsync(Desk, Token);
        await broker.GoDownAsync();

        var suspended = await agent.WaitForAsync(Desk, status => status.Suspended);
        var refused = await Should.ThrowAsync<ClientRefusedException>(() => agent.Manager.StartAsync(Desk, Token));
        var stillThere = await agent.Manager.StatusAsync(Desk, Token);
        broker.RenewLease(TimeSpan.FromDays(7));
        await broker.ServeAsync();
        _ = await agent.WaitForAsync(Desk, status => status.Lease == LeaseVerdict.Valid);
        var resumed = await agent.Manager.StartAsync(Desk, Token);
        var stopped = await agent.Manager.StopAsync(Desk, Token);

        started.Running.ShouldBeTrue();
        started.Suspended.ShouldBeFalse();
        suspended.Running.ShouldBeTrue("suspended, not killed: its memory is kept");
        suspended.Message.ShouldNotBeNull().ShouldContain("paused");
        refused.Reason.ShouldBe(ClientRefusal.LeaseExpired);
        stillThere.Suspended.ShouldBeTrue("a refused start does not resume it");
        resumed.Running.ShouldBeTrue();
        resumed.Suspended.ShouldBeFalse("once the lease is renewed, start resumes it");
        resumed.Message.ShouldBeNull();
        stopped.Running.ShouldBeFalse();
        stopped.Suspended.ShouldBeFalse();
    }
}
