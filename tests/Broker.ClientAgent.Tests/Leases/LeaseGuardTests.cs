using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Testing;
using Broker.Vhdx.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Broker.ClientAgent.Tests.Leases;

public sealed class LeaseGuardTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Judge_BeforeTheWarningWindow_IsValidAndInsideItIsExpiringSoon()
    {
        using var directory = new TempDirectory("broker-lease-");
        var time = new FakeTimeProvider(Start);
        await using var state = await AgentStateStore.OpenAsync(FileStorage.Instance, directory.Path, Token);
        var guard = new LeaseGuard(state, time, new ClientAgentOptions { LeaseWarning = TimeSpan.FromDays(1) });
        var desktop = Desktop(Start.AddDays(7));

        var fresh = await guard.JudgeAsync(desktop, Token);
        time.Advance(TimeSpan.FromDays(6.5));
        var late = await guard.JudgeAsync(desktop, Token);

        fresh.ShouldBe(LeaseVerdict.Valid);
        late.ShouldBe(LeaseVerdict.ExpiringSoon);
    }

    [Fact]
    public async Task Judge_AtOrAfterTheLeaseEnd_IsExpired()
    {
        using var directory = new TempDirectory("broker-lease-");
        var time = new FakeTimeProvider(Start);
        await using var state = await AgentStateStore.OpenAsync(FileStorage.Instance, directory.Path, Token);
        var guard = new LeaseGuard(state, time, new ClientAgentOptions());

        time.Advance(TimeSpan.FromDays(7));

        (await guard.JudgeAsync(Desktop(Start.AddDays(7)), Token)).ShouldBe(LeaseVerdict.Expired);
        (await guard.JudgeAsync(Desktop(null), Token)).ShouldBe(LeaseVerdict.Expired);
    }

    [Fact]
    public async Task Judge_ClockTurnedBackAfterARestart_IsARollbackUntilTheBrokerVouches()
    {
        using var directory = new TempDirectory("broker-lease-");
        var time = new SettableClock(Start);
        var options = new ClientAgentOptions { ClockTolerance = TimeSpan.FromMinutes(5) };
        var desktop = Desktop(Start.AddDays(7));
        await using (var state = await AgentStateStore.OpenAsync(FileStorage.Instance, directory.Path, Token))
        {
            time.UtcNow = Start.AddDays(8);
            (await new LeaseGuard(state, time, options).JudgeAsync(desktop, Token)).ShouldBe(LeaseVerdict.Expired);
        }

        time.UtcNow = Start.AddDays(1);
        await using var reopened = await AgentStateStore.OpenAsync(FileStorage.Instance, directory.Path, Token);
        var guard = new LeaseGuard(reopened, time, options);
        var rolledBack = await guard.JudgeAsync(desktop, Token);
        await guard.TrustClockAsync(Token);
        var afterContact = await guard.JudgeAsync(desktop, Token);

        rolledBack.ShouldBe(LeaseVerdict.ClockRolledBack);
        afterContact.ShouldBe(LeaseVerdict.Valid);
    }

    [Fact]
    public async Task Judge_ClockStepBackWithinTheTolerance_IsNoRollback()
    {
        using var directory = new TempDirectory("broker-lease-");
        var time = new SettableClock(Start);
        await using var state = await AgentStateStore.OpenAsync(FileStorage.Instance, directory.Path, Token);
        var guard = new LeaseGuard(state, time, new ClientAgentOptions { ClockTolerance = TimeSpan.FromMinutes(5) });
        _ = await guard.JudgeAsync(Desktop(Start.AddDays(7)), Token);

        time.UtcNow = Start.AddMinutes(-4);

        (await guard.JudgeAsync(Desktop(Start.AddDays(7)), Token)).ShouldBe(LeaseVerdict.Valid);
    }

    private static LocalDesktopRecord Desktop(DateTimeOffset? leaseEnd) =>
        new("d-1", "desk", 2, "host-1", DesktopPhase.Ready, leaseEnd, null, [], null);
}
