namespace Broker.Disks.Chains;

/// <summary>
/// An async reader-writer lock: shared holders run together, an exclusive holder runs alone. Once
/// an exclusive request waits, new shared requests queue behind it, so a flush is never starved by
/// a stream of writes; when an exclusive holder leaves, the shared requests that queued meanwhile
/// go first, so writers cannot starve readers either. Waits are not cancellable.
/// </summary>
internal sealed class AsyncReaderWriterLock
{
    private readonly Lock _sync = new();
    private readonly Queue<TaskCompletionSource> _waitingExclusive = new();

    // Every queued shared request waits on this one source; all of them are let in together.
    private TaskCompletionSource? _waitingShared;
    private int _waitingSharedCount;
    private int _shared;
    private bool _exclusive;

    /// <summary>Enters in shared mode; pair with <see cref="ExitShared"/>.</summary>
    public ValueTask EnterSharedAsync()
    {
        lock (_sync)
        {
            if (!_exclusive && _waitingExclusive.Count == 0)
            {
                _shared++;
                return ValueTask.CompletedTask;
            }

            _waitingShared ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingSharedCount++;
            return new ValueTask(_waitingShared.Task);
        }
    }

    /// <summary>Leaves shared mode; the last shared holder lets a waiting exclusive request in.</summary>
    public void ExitShared()
    {
        TaskCompletionSource? next = null;
        lock (_sync)
        {
            if (--_shared == 0 && _waitingExclusive.TryDequeue(out next))
            {
                _exclusive = true;
            }
        }

        next?.SetResult();
    }

    /// <summary>Enters in exclusive mode; pair with <see cref="ExitExclusive"/>.</summary>
    public ValueTask EnterExclusiveAsync()
    {
        lock (_sync)
        {
            if (!_exclusive && _shared == 0)
            {
                _exclusive = true;
                return ValueTask.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingExclusive.Enqueue(waiter);
            return new ValueTask(waiter.Task);
        }
    }

    /// <summary>Leaves exclusive mode: the queued shared requests go next, else the next exclusive one.</summary>
    public void ExitExclusive()
    {
        TaskCompletionSource? shared = null;
        TaskCompletionSource? exclusive = null;
        lock (_sync)
        {
            if (_waitingSharedCount > 0)
            {
                _exclusive = false;
                _shared = _waitingSharedCount;
                _waitingSharedCount = 0;
                shared = _waitingShared;
                _waitingShared = null;
            }
            else if (!_waitingExclusive.TryDequeue(out exclusive))
            {
                _exclusive = false;
            }
        }

        shared?.SetResult();
        exclusive?.SetResult();
    }
}
