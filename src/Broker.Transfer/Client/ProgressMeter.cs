namespace Broker.Transfer.Client;

/// <summary>Counts bytes of one transfer run and reports <see cref="TransferProgress"/>. Thread-safe.</summary>
internal sealed class ProgressMeter(long total, IProgress<TransferProgress>? sink, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _done;
    private long _movedThisRun;

    /// <summary>Counts bytes that were already there (no rate).</summary>
    public void Skip(long bytes) => Report(Interlocked.Add(ref _done, bytes), Volatile.Read(ref _movedThisRun));

    /// <summary>Counts bytes moved by this run.</summary>
    public void Add(long bytes) => Report(Interlocked.Add(ref _done, bytes), Interlocked.Add(ref _movedThisRun, bytes));

    private void Report(long done, long moved)
    {
        if (sink is null)
        {
            return;
        }

        var seconds = time.GetElapsedTime(_start).TotalSeconds;
        var rate = seconds > 0 ? moved / seconds : 0;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : null;
        sink.Report(new TransferProgress(done, total, rate, eta));
    }
}
