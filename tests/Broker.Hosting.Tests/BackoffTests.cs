namespace Broker.Hosting.Tests;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void Delay_GrowsWithTheAttemptWithinItsWindow_AndNeverPassesTheCap()
    {
        var random = new Random(7);

        foreach (var attempt in Enumerable.Range(0, 50))
        {
            var delay = Backoff.Delay(attempt, Min, Max, random);
            var ceiling = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
            delay.TotalMilliseconds.ShouldBeInRange(Min.TotalMilliseconds, ceiling);
        }
    }

    [Fact]
    public void Delay_IsJittered_SoAgentsThatLostTheBrokerTogetherSpreadOut()
    {
        var random = new Random(11);

        var delays = Enumerable.Range(0, 20).Select(_ => Backoff.Delay(10, Min, Max, random)).ToList();

        delays.Distinct().Count().ShouldBeGreaterThan(15);
        delays.Max().ShouldBeGreaterThan(Max / 2);
    }
}
