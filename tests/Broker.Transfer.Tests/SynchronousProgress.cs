namespace Broker.Transfer.Tests;

/// <summary>An <see cref="IProgress{T}"/> that records every report at once, in order (Progress&lt;T&gt; posts later).</summary>
internal sealed class SynchronousProgress<T>(List<T> reports) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock)
        {
            reports.Add(value);
        }
    }
}
