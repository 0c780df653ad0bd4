namespace Broker.ClientAgent.State;

/// <summary>How a desktop syncs in the background: the lease's terms (the pool's policy) and the user's deferral.</summary>
/// <param name="Interval">How often to sync, as the lease says; null when the lease does not say (the agent's option applies).</param>
/// <param name="UserMayDefer">Whether the user may defer a background sync.</param>
/// <param name="DeferredUntil">The end of the user's deferral; null when none.</param>
internal sealed record SyncTerms(TimeSpan? Interval, bool UserMayDefer, DateTimeOffset? DeferredUntil = null);
