namespace Broker.Transfer.Client;

/// <summary>
/// Pauses and resumes running pulls and pushes without ending them: while paused no new chunk is
/// requested or sent (those in flight still land), the calls stay open, and <see cref="Resume"/>
/// continues where they stopped. Cancelling instead ends the run; running it again resumes from
/// durable progress. One pause may serve several transfers. Thread-safe.
/// </summary>
public sealed class TransferPause
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _resumed;

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _resumed is not null;
            }
        }
    }

    /// <summary>Stops new chunks from being requested or sent; no effect when already paused.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets the transfers go on; no effect when not paused.</summary>
    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_lock)
        {
            resumed = _resumed;
            _resumed = null;
        }

        resumed?.TrySetResult();
    }

    /// <summary>Completes at once when not paused, else on <see cref="Resume"/>.</summary>
    internal Task WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _resumed is null ? Task.CompletedTask : _resumed.Task.WaitAsync(cancellationToken);
        }
    }
}
