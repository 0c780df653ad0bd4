using System.Collections.Concurrent;

namespace Broker.Nbd.Tests.Fakes;

/// <summary>
/// A memory device that also logs every write, in the order the writes reached it, so a test can
/// tell which device each write landed on even when later writes overwrite it. Writes yield once so
/// requests really overlap.
/// </summary>
internal sealed class RecordingBlockDevice : IBlockDevice
{
    private readonly MemoryBlockDevice _inner;
    private readonly ConcurrentQueue<(long Offset, byte[] Data)> _writes = new();

    public RecordingBlockDevice(long size)
    {
        _inner = new MemoryBlockDevice(size);
    }

    public IReadOnlyCollection<(long Offset, byte[] Data)> Writes => _writes;

    public long Size => _inner.Size;

    public BlockSizeConstraints BlockSizes => _inner.BlockSizes;

    public bool IsReadOnly => false;

    public BlockDeviceCapabilities Capabilities => _inner.Capabilities;

    private int _flushes;
    private int _writesAfterFlush;

    public int Flushes => Volatile.Read(ref _flushes);

    /// <summary>Writes that started or finished after a flush began: on a retired device, writes it should never have seen.</summary>
    public int WritesAfterFlush => Volatile.Read(ref _writesAfterFlush);

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) => _inner.ReadAsync(offset, buffer, cancellationToken);

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        var flushedBefore = Flushes > 0;
        await Task.Yield();
        await _inner.WriteAsync(offset, data, forceUnitAccess, cancellationToken);
        _writes.Enqueue((offset, data.ToArray()));
        if (flushedBefore || Flushes > 0)
        {
            Interlocked.Increment(ref _writesAfterFlush);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _flushes);
        return ValueTask.CompletedTask;
    }

    public ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken) => _inner.TrimAsync(offset, length, cancellationToken);

    public ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken) =>
        _inner.WriteZeroesAsync(offset, length, mayDeallocate, forceUnitAccess, cancellationToken);
}
