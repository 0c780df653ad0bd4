using System.Collections.Concurrent;

namespace Broker.Nbd.Tests.Fakes;

/// <summary>
/// A memory device whose operations at chosen offsets stop until the test opens them, so a test can
/// hold one request in flight while others pass. Reports when a held operation has started.
/// </summary>
internal sealed class GatedBlockDevice : IBlockDevice
{
    private readonly MemoryBlockDevice _inner;
    private readonly ConcurrentDictionary<long, Hold> _holds = new();

    public GatedBlockDevice(long size)
    {
        _inner = new MemoryBlockDevice(size);
    }

    public MemoryBlockDevice Inner => _inner;

    public long Size => _inner.Size;

    public BlockSizeConstraints BlockSizes => _inner.BlockSizes;

    public bool IsReadOnly => false;

    public BlockDeviceCapabilities Capabilities => _inner.Capabilities;

    /// <summary>Operations at <paramref name="offset"/> wait until <see cref="Open"/>.</summary>
    public void HoldAt(long offset) => _holds[offset] = new Hold();

    /// <summary>Completes when an operation at <paramref name="offset"/> has started and is being held.</summary>
    public Task Started(long offset) => _holds[offset].Started.Task;

    public void Open(long offset) => _holds[offset].Released.TrySetResult();

    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await WaitAsync(offset);
        await _inner.ReadAsync(offset, buffer, cancellationToken);
    }

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        await WaitAsync(offset);
        await _inner.WriteAsync(offset, data, forceUnitAccess, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken) => _inner.TrimAsync(offset, length, cancellationToken);

    public ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken) =>
        _inner.WriteZeroesAsync(offset, length, mayDeallocate, forceUnitAccess, cancellationToken);

    private async Task WaitAsync(long offset)
    {
        if (_holds.TryGetValue(offset, out var hold))
        {
            hold.Started.TrySetResult();
            await hold.Released.Task;
        }
    }

    private sealed class Hold
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
