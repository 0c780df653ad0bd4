namespace Broker.Hosting;

/// <summary>
/// Reconnect delays for agents that dial the broker: exponential backoff with full jitter, attempt
/// <c>n</c> waiting a random time in [min, min·2ⁿ] capped at max, so many agents that lost the broker
/// together do not come back in step.
/// </summary>
public static class Backoff
{
    /// <summary>The delay before reconnect attempt <paramref name="attempt"/> (0 for the first).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(min.TotalMilliseconds + (random.NextDouble() * Math.Max(0, ceiling - min.TotalMilliseconds)));
    }
}
