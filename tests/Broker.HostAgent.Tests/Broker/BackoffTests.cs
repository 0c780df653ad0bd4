using Broker.HostAgent.Broker;

namespace Broker.HostAgent.Tests.Broker;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    [Fact]
    public void Delay_GrowsWithAttemptsUpToTheCap()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 40).Select(attempt => (attempt, delay: Backoff.Delay(attempt, Min, Max, random))).ToList();

        delays.ShouldAllBe(pair => pair.delay >= Min && pair.delay <= Max);
        delays.Where(pair => pair.attempt < 6).ShouldAllBe(pair => pair.delay.TotalSeconds <= Math.Pow(2, pair.attempt));
        delays.Where(pair => pair.attempt >= 10).Select(pair => pair.delay).Max().ShouldBeGreaterThan(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Delay_IsJittered()
    {
        var random = new Random(7);

        Enumerable.Range(0, 20).Select(_ => Backoff.Delay(8, Min, Max, random)).Distinct().Count().ShouldBeGreaterThan(10);
    }
}
