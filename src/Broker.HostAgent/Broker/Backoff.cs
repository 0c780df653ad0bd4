namespace Broker.HostAgent.Broker;

/// <summary>Exponential backoff with full jitter: attempt n waits a random time in [min, min·2ⁿ], capped at max.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(min.TotalMilliseconds + (random.NextDouble() * (ceiling - min.TotalMilliseconds)));
    }
}
