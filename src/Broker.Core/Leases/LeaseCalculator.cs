using Broker.Core.Pools;

namespace Broker.Core.Leases;

/// <summary>
/// Lease windows from pool policy (design §8): a lease runs <see cref="OfflinePolicy.LeaseDays"/>
/// from the last contact, so every heartbeat slides it forward.
/// </summary>
public static class LeaseCalculator
{
    /// <summary>The window granted at check-out at <paramref name="now"/>.</summary>
    public static LeaseTerm Grant(OfflinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new LeaseTerm(now, now + policy.LeaseDuration);
    }

    /// <summary>
    /// The window after a heartbeat at <paramref name="now"/>. Renewal never shortens a lease: if
    /// the policy was shortened since, the old expiry stands until contact moves past it. A lapsed
    /// lease renews too: reaching the broker is exactly what the client needs (a revoked lease is
    /// void by epoch, which the state machine checks, not by time).
    /// </summary>
    public static LeaseTerm Renew(LeaseTerm current, OfflinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var expiresAt = now + policy.LeaseDuration;
        return new LeaseTerm(now, expiresAt > current.ExpiresAt ? expiresAt : current.ExpiresAt);
    }
}
