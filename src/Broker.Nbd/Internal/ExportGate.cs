using System.Diagnostics.CodeAnalysis;

namespace Broker.Nbd.Internal;

/// <summary>
/// Admits requests to an export's device and lets one quiescer at a time close the gate, wait until
/// no admitted request is still running, swap the device and reopen. Admission is lock-free:
/// increment the running count, then check the gate; a quiescer closes the gate, then reads the
/// count. Both steps are full fences (Interlocked), so a request either sees the closed gate and
/// backs out, or the quiescer sees it running and waits for it.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposal only once its wait handle is used, and it never is.")]
internal sealed class ExportGate
{
    private readonly SemaphoreSlim _quiescers = new(1, 1);

    private IBlockDevice _device;
    private int _running;

    // Null while open; while closed, completes when the gate reopens.
    private TaskCompletionSource? _closed;

    // Completes when the running count reaches zero while the gate is closed.
    private TaskCompletionSource? _drained;

    public ExportGate(IBlockDevice device)
    {
        _device = device;
    }

    /// <summary>The device requests are admitted to now.</summary>
    public IBlockDevice Device => Volatile.Read(ref _device);

    /// <summary>
    /// Waits while the gate is closed, then admits one request and returns the device it must use.
    /// Every successful call is paired with one <see cref="Exit"/>.
    /// </summary>
    public ValueTask<IBlockDevice> EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _running);
        var closed = Volatile.Read(ref _closed);
        if (closed is null)
        {
            return ValueTask.FromResult(Volatile.Read(ref _device));
        }

        Exit();
        return EnterSlowAsync(closed, cancellationToken);
    }

    /// <summary>Marks an admitted request finished with its device.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _closed) is not null)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>Closes the gate and waits until no admitted request is running.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _quiescers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _drained, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Interlocked.Exchange(ref _closed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (Volatile.Read(ref _running) == 0)
            {
                _drained!.TrySetResult();
            }

            await _drained!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Open();
            throw;
        }
    }

    /// <summary>Swaps the device; only while closed and drained.</summary>
    public void Replace(IBlockDevice device) => Volatile.Write(ref _device, device);

    /// <summary>Reopens the gate and releases every waiting request, then lets the next quiescer in.</summary>
    public void Open()
    {
        var closed = Interlocked.Exchange(ref _closed, null);
        closed?.TrySetResult();
        _quiescers.Release();
    }

    private async ValueTask<IBlockDevice> EnterSlowAsync(TaskCompletionSource closed, CancellationToken cancellationToken)
    {
        while (true)
        {
            await closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _running);
            var current = Volatile.Read(ref _closed);
            if (current is null)
            {
                return Volatile.Read(ref _device);
            }

            Exit();
            closed = current;
        }
    }
}
