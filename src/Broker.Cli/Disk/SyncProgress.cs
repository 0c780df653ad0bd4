namespace Broker.Cli.Disk;

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (no synchronization context hop).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
