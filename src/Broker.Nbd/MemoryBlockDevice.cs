namespace Broker.Nbd;

/// <summary>
/// A sparse block device in memory: 1 MiB chunks allocated on first write, freed when a trim or
/// deallocating write-zeroes covers a whole chunk. Nothing is durable, so flush is a no-op that
/// trivially keeps its promise. Concurrent requests on disjoint ranges are safe; overlapping
/// concurrent requests may interleave, as NBD allows.
/// </summary>
public sealed class MemoryBlockDevice : IBlockDevice
{
    private const int ChunkShift = 20;
    private const int ChunkSize = 1 << ChunkShift;

    // Each slot is null (reads as zeroes) or a ChunkSize array; published with CompareExchange.
    private readonly byte[]?[] _chunks;

    /// <summary>Creates a zero-filled device of <paramref name="size"/> bytes.</summary>
    public MemoryBlockDevice(long size, BlockSizeConstraints? blockSizes = null, bool isReadOnly = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        BlockSizes = blockSizes ?? BlockSizeConstraints.Default;
        if (size % BlockSizes.Minimum != 0)
        {
            throw new ArgumentException("The size must be a multiple of the minimum block size.", nameof(size));
        }

        Size = size;
        IsReadOnly = isReadOnly;
        _chunks = new byte[]?[(size + ChunkSize - 1) >> ChunkShift];
    }

    /// <inheritdoc/>
    public long Size { get; }

    /// <inheritdoc/>
    public BlockSizeConstraints BlockSizes { get; }

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <inheritdoc/>
    public BlockDeviceCapabilities Capabilities =>
        BlockDeviceCapabilities.Flush | BlockDeviceCapabilities.ForceUnitAccess | BlockDeviceCapabilities.Trim
        | BlockDeviceCapabilities.WriteZeroes | BlockDeviceCapabilities.MultipleConnections;

    /// <summary>Bytes backed by allocated chunks (a multiple of 1 MiB).</summary>
    public long AllocatedBytes
    {
        get
        {
            long allocated = 0;
            for (var i = 0; i < _chunks.Length; i++)
            {
                if (Volatile.Read(ref _chunks[i]) is not null)
                {
                    allocated += ChunkSize;
                }
            }

            return allocated;
        }
    }

    /// <summary>Copies bytes out synchronously (for tests and tools).</summary>
    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        while (!destination.IsEmpty)
        {
            var chunk = Volatile.Read(ref _chunks[offset >> ChunkShift]);
            var within = (int)(offset & (ChunkSize - 1));
            var count = Math.Min(destination.Length, ChunkSize - within);
            if (chunk is null)
            {
                destination[..count].Clear();
            }
            else
            {
                chunk.AsSpan(within, count).CopyTo(destination);
            }

            destination = destination[count..];
            offset += count;
        }
    }

    /// <summary>Copies bytes in synchronously (for tests and tools); ignores <see cref="IsReadOnly"/>.</summary>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        CheckRange(offset, source.Length);
        while (!source.IsEmpty)
        {
            var within = (int)(offset & (ChunkSize - 1));
            var count = Math.Min(source.Length, ChunkSize - within);
            source[..count].CopyTo(GetOrAddChunk(offset >> ChunkShift).AsSpan(within, count));
            source = source[count..];
            offset += count;
        }
    }

    /// <inheritdoc/>
    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Read(offset, buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        Write(offset, data.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        Zero(offset, length, deallocate: true);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        Zero(offset, length, mayDeallocate);
        return ValueTask.CompletedTask;
    }

    private void Zero(long offset, long length, bool deallocate)
    {
        CheckRange(offset, length);
        while (length > 0)
        {
            var index = offset >> ChunkShift;
            var within = (int)(offset & (ChunkSize - 1));
            var count = (int)Math.Min(length, ChunkSize - within);
            if (deallocate && within == 0 && count == ChunkSize)
            {
                Volatile.Write(ref _chunks[index], null);
            }
            else if (Volatile.Read(ref _chunks[index]) is { } chunk)
            {
                chunk.AsSpan(within, count).Clear();
            }
            else if (!deallocate)
            {
                // NO_HOLE: the range must be provisioned, so allocate even though it already reads as zeroes.
                GetOrAddChunk(index);
            }

            offset += count;
            length -= count;
        }
    }

    private byte[] GetOrAddChunk(long index)
    {
        var chunk = Volatile.Read(ref _chunks[index]);
        if (chunk is not null)
        {
            return chunk;
        }

        var fresh = new byte[ChunkSize];
        return Interlocked.CompareExchange(ref _chunks[index], fresh, null) ?? fresh;
    }

    private void CheckRange(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > Size || length > Size - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The range ends past the end of the device.");
        }
    }

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new UnauthorizedAccessException("The device is read-only.");
        }
    }
}
