namespace Broker.Nbd.Tests.Fakes;

/// <summary>
/// A memory device whose writes complete synchronously but only once <c>parties</c> writes are
/// inside at the same time (a barrier): two queued writes succeed only if the server runs them on
/// different threads. A write that waits in vain for the others fails after a generous deadlock guard.
/// </summary>
internal sealed class RendezvousBlockDevice(long size, int parties) : IBlockDevice, IDisposable
{
    private static readonly TimeSpan DeadlockGuard = TimeSpan.FromSeconds(30);

    private readonly MemoryBlockDevice _inner = new(size);
    private readonly Barrier _barrier = new(parties);

    public long Size => _inner.Size;

    public BlockSizeConstraints BlockSizes => _inner.BlockSizes;

    public bool IsReadOnly => false;

    public BlockDeviceCapabilities Capabilities => _inner.Capabilities;

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) => _inner.ReadAsync(offset, buffer, cancellationToken);

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        if (!_barrier.SignalAndWait(DeadlockGuard, cancellationToken))
        {
            throw new IOException("The other writes never arrived while this one waited: requests ran one after another.");
        }

        return _inner.WriteAsync(offset, data, forceUnitAccess, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken) => _inner.TrimAsync(offset, length, cancellationToken);

    public ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken) =>
        _inner.WriteZeroesAsync(offset, length, mayDeallocate, forceUnitAccess, cancellationToken);

    public void Dispose() => _barrier.Dispose();
}
