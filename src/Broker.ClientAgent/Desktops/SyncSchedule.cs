using System.Collections.Concurrent;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// When each ready desktop's next background sync is due, in memory: one interval after the agent
/// first looks at the desktop, then one interval after each attempt (after a restart the first comes
/// one interval after the start). <see cref="Wake"/> ends the background loop's wait when the
/// schedule changes (a new lease, a deferral).
/// </summary>
internal sealed class SyncSchedule(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Wake"/>; take it before reading the schedule.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>When <paramref name="desktopId"/>'s next sync is due at <paramref name="interval"/>.</summary>
    public DateTimeOffset DueAt(string desktopId, TimeSpan interval) => _due.GetOrAdd(desktopId, _ => time.GetUtcNow() + interval);

    /// <summary>A sync of <paramref name="desktopId"/> was attempted: the next is one <paramref name="interval"/> from now.</summary>
    public void Attempted(string desktopId, TimeSpan interval) => _due[desktopId] = time.GetUtcNow() + interval;

    /// <summary>Drops a desktop that is no longer held.</summary>
    public void Forget(string desktopId) => _due.TryRemove(desktopId, out _);

    /// <summary>Ends the wait of the background loop so it reads the schedule again.</summary>
    public void Wake() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits until <paramref name="until"/>, or until <paramref name="changed"/> (from <see cref="Changed"/>) completes.</summary>
    public async Task WaitAsync(DateTimeOffset until, Task changed, CancellationToken cancellationToken)
    {
        var delay = until - time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var elapsed = Task.Delay(delay, time, stop.Token);
        _ = await Task.WhenAny(elapsed, changed).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
