using Broker.ClientAgent.State;

namespace Broker.ClientAgent.Leases;

/// <summary>
/// Enforces the offline lease (design §8) against the agent's clock. The latest time seen is kept in
/// the state store and only moves forward, so turning the clock back to stretch a lease is detected
/// rather than believed.
/// </summary>
internal sealed class LeaseGuard(AgentStateStore state, TimeProvider time, ClientAgentOptions options)
{
    /// <summary>Judges <paramref name="desktop"/>'s lease now and records the time seen.</summary>
    public async Task<LeaseVerdict> JudgeAsync(LocalDesktopRecord desktop, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lastSeen = state.Current.LastSeen;
        if (now + options.ClockTolerance < lastSeen)
        {
            return LeaseVerdict.ClockRolledBack;
        }

        if (now > lastSeen)
        {
            _ = await state.UpdateAsync(current => current with { LastSeen = now > current.LastSeen ? now : current.LastSeen }, cancellationToken).ConfigureAwait(false);
        }

        return desktop.LeaseExpiresAt switch
        {
            null => LeaseVerdict.Expired,
            { } expires when now >= expires => LeaseVerdict.Expired,
            { } expires when expires - now <= options.LeaseWarning => LeaseVerdict.ExpiringSoon,
            _ => LeaseVerdict.Valid,
        };
    }

    /// <summary>
    /// After contact with the broker (which vouches for the time by renewing the lease): the clock is
    /// trusted again from now on, even when it is behind the last time seen.
    /// </summary>
    public async Task TrustClockAsync(CancellationToken cancellationToken) =>
        _ = await state.UpdateAsync(current => current with { LastSeen = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
}
