using Broker.ClientAgent.State;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// When background syncs happen: every ready desktop at its lease's sync interval (the pool's policy;
/// <see cref="ClientAgentOptions.SyncInterval"/> when the lease names none), postponed by the user's
/// deferral where the lease allows one.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>The longest deferral a user may ask for at once.</summary>
    public static readonly TimeSpan MaxSyncDeferral = TimeSpan.FromDays(7);

    private const string NothingToSync = "Nothing to sync: nothing was written since the last sync.";

    /// <summary>Completes when the background schedule changes; take it before <see cref="SyncDueAsync"/>.</summary>
    public Task SyncScheduleChanged => _syncs.Changed;

    /// <summary>
    /// Syncs every ready desktop whose background sync is due; a sync that cannot complete stays
    /// queued (its status says why) and is tried again one interval later. Returns when the next
    /// background sync is due.
    /// </summary>
    public async Task<DateTimeOffset> SyncDueAsync(CancellationToken cancellationToken)
    {
        var next = _time.GetUtcNow() + _options.SyncInterval;
        foreach (var desktop in _state.Current.Desktops.Where(desktop => desktop.Phase == DesktopPhase.Ready))
        {
            if (NextSyncAt(desktop) <= _time.GetUtcNow())
            {
                try
                {
                    await SyncReadyAsync(desktop.DesktopId, cancellationToken).ConfigureAwait(false);
                }
                catch (ClientRefusedException)
                {
                    // Queued: the status message says why.
                }
            }

            if (_state.Current.ById(desktop.DesktopId) is { Phase: DesktopPhase.Ready } current && NextSyncAt(current) < next)
            {
                next = NextSyncAt(current);
            }
        }

        return next;
    }

    /// <summary>Waits until <paramref name="until"/> or until <paramref name="changed"/> (<see cref="SyncScheduleChanged"/>) completes.</summary>
    public Task WaitForSyncDueAsync(DateTimeOffset until, Task changed, CancellationToken cancellationToken) =>
        _syncs.WaitAsync(until, changed, cancellationToken);

    /// <summary>Postpones <paramref name="desktop"/>'s next background sync to <paramref name="duration"/> from now, where its lease lets the user defer.</summary>
    public async Task<DesktopStatus> DeferSyncAsync(string desktop, TimeSpan duration, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        RequireRunnable(record);
        if (record.Sync is not { UserMayDefer: true })
        {
            throw new ClientRefusedException(
                ClientRefusal.SyncDeferNotAllowed,
                $"The pool of '{record.Name}' does not let users defer its background sync; run 'brokerctl desktop sync {record.Name}' to sync now instead, or ask an administrator.");
        }

        if (duration <= TimeSpan.Zero || duration > MaxSyncDeferral)
        {
            throw new ClientRefusedException(ClientRefusal.WrongPhase, $"A sync can be deferred by more than nothing and at most {MaxSyncDeferral.TotalDays:0} days.");
        }

        var until = _time.GetUtcNow() + duration;
        _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { Sync = held.Sync! with { DeferredUntil = until } }, cancellationToken).ConfigureAwait(false);
        _syncs.Wake();
        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How often <paramref name="record"/> syncs in the background.</summary>
    private TimeSpan SyncIntervalOf(LocalDesktopRecord record) => record.Sync?.Interval ?? _options.SyncInterval;

    /// <summary>When <paramref name="record"/>'s next background sync is due: its schedule, or the end of the user's deferral when later.</summary>
    private DateTimeOffset NextSyncAt(LocalDesktopRecord record)
    {
        var due = _syncs.DueAt(record.DesktopId, SyncIntervalOf(record));
        return record.Sync?.DeferredUntil is { } deferred && deferred > due ? deferred : due;
    }

    /// <summary>Whether the user's deferral postpones <paramref name="record"/>'s next background sync now.</summary>
    private bool IsSyncDeferred(LocalDesktopRecord record) =>
        record.Sync?.DeferredUntil is { } deferred && deferred > _time.GetUtcNow() && deferred > _syncs.DueAt(record.DesktopId, SyncIntervalOf(record));
}
