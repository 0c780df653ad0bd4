namespace Broker.ClientAgent.Desktops;

/// <summary>One cancellable background task of a desktop (its pull, its check-in); at most one runs at a time.</summary>
internal sealed class BackgroundWork
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _cancellation;
    private Task? _task;

    /// <summary>True while the work runs.</summary>
    public bool Running
    {
        get
        {
            lock (_gate)
            {
                return _task is { IsCompleted: false };
            }
        }
    }

    /// <summary>Starts <paramref name="work"/> unless work is running already; returns whether it started.</summary>
    public bool TryStart(Func<CancellationToken, Task> work)
    {
        lock (_gate)
        {
            if (_task is { IsCompleted: false })
            {
                return false;
            }

            _cancellation?.Dispose();
            var cancellation = new CancellationTokenSource();
            _cancellation = cancellation;
            _task = Task.Run(() => work(cancellation.Token), CancellationToken.None);
            return true;
        }
    }

    /// <summary>Waits until the work in progress ends (completed, cancelled or failed).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task? task;
        lock (_gate)
        {
            task = _task;
        }

        if (task is not null)
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Cancels the work in progress and waits for it to end.</summary>
    public async Task StopAsync()
    {
        CancellationTokenSource? cancellation;
        Task? task;
        lock (_gate)
        {
            cancellation = _cancellation;
            task = _task;
        }

        if (cancellation is not null)
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
        }

        if (task is not null)
        {
            await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
