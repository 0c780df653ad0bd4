using System.Collections.Concurrent;
using System.Numerics;
using Broker.Vhdx.Format;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    private const int BitsPerPage = VhdxLayout.LogSectorSize * 8;

    // Concurrent: reads (and in-place writes) may fill the cache at the same time. A page's bytes
    // change only in metadata-changing writes, which run alone.
    private readonly ConcurrentDictionary<long, byte[]> _bitmapPages = new();

    /// <summary>
    /// Reads this file's own view of the virtual disk at any offset and length. Sectors a
    /// differencing file does not hold read as zeros here; <see cref="VhdxDisk.ReadAsync"/> reads
    /// them from the parent.
    /// </summary>
    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        CheckRange(offset, buffer.Length);
        return ReadCoreAsync(offset, buffer, throughParent: false, cancellationToken);
    }

    internal void CheckRange(long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, VirtualSize - length);
    }

    /// <summary>
    /// Reads a range; sectors absent from a differencing file come from <see cref="Parent"/> when
    /// <paramref name="throughParent"/> is set, zeros otherwise.
    /// </summary>
    internal async ValueTask ReadCoreAsync(long offset, Memory<byte> buffer, bool throughParent, CancellationToken cancellationToken)
    {
        var blockSize = _geometry.BlockSize;
        var differencing = DiskType == VhdxDiskType.Differencing;
        while (buffer.Length > 0)
        {
            var block = offset / blockSize;
            var inBlock = (int)(offset % blockSize);
            var length = (int)Math.Min(buffer.Length, blockSize - inBlock);
            var part = buffer[..length];
            var entry = _bat[_geometry.PayloadIndex(block)];
            switch (BatEntry.State(entry))
            {
                case BatEntry.FullyPresent:
                case BatEntry.PartiallyPresent when !differencing:
                    await ReadFileAsync(BatEntry.FileOffset(entry) + inBlock, part, cancellationToken).ConfigureAwait(false);
                    break;
                case BatEntry.PartiallyPresent:
                    await ReadPartialBlockAsync(block, BatEntry.FileOffset(entry), offset, part, throughParent, cancellationToken).ConfigureAwait(false);
                    break;
                case BatEntry.NotPresent when differencing:
                    await ReadAbsentAsync(offset, part, throughParent, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    part.Span.Clear();
                    break;
            }

            offset += length;
            buffer = buffer[length..];
        }
    }

    private ValueTask ReadAbsentAsync(long offset, Memory<byte> buffer, bool throughParent, CancellationToken cancellationToken)
    {
        if (!throughParent)
        {
            buffer.Span.Clear();
            return ValueTask.CompletedTask;
        }

        if (Parent is null)
        {
            throw new InvalidOperationException($"'{_path}' is a differencing file opened without its parent; open it with VhdxDisk.");
        }

        return Parent.ReadCoreAsync(offset, buffer, throughParent: true, cancellationToken);
    }

    private async ValueTask ReadPartialBlockAsync(long block, long blockFileOffset, long offset, Memory<byte> buffer, bool throughParent, CancellationToken cancellationToken)
    {
        var sectorSize = _geometry.LogicalSectorSize;
        var blockStart = block * _geometry.BlockSize;
        var end = offset + buffer.Length;
        var position = offset;
        while (position < end)
        {
            var sectorInBlock = (int)((position - blockStart) / sectorSize);
            var maxSectors = (int)(((end - blockStart + sectorSize - 1) / sectorSize) - sectorInBlock);
            var (present, run) = await GetBitmapRunAsync(block, sectorInBlock, maxSectors, cancellationToken).ConfigureAwait(false);
            var runEnd = Math.Min(end, blockStart + ((long)(sectorInBlock + run) * sectorSize));
            var part = buffer[(int)(position - offset)..(int)(runEnd - offset)];
            if (present)
            {
                await ReadFileAsync(blockFileOffset + (position - blockStart), part, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ReadAbsentAsync(position, part, throughParent, cancellationToken).ConfigureAwait(false);
            }

            position = runEnd;
        }
    }

    /// <summary>
    /// The state of sector <paramref name="sectorInBlock"/> of a partially present block and how
    /// many sectors from there (at most <paramref name="maxSectors"/>) share it.
    /// </summary>
    private async ValueTask<(bool Present, int Run)> GetBitmapRunAsync(long block, int sectorInBlock, int maxSectors, CancellationToken cancellationToken)
    {
        var bitmapOffset = BatEntry.FileOffset(_bat[_geometry.BitmapIndex(block / _geometry.ChunkRatio)]);
        var bit = (_geometry.BitmapByteOffset(block) * 8) + sectorInBlock;
        var run = 0;
        var present = false;
        while (run < maxSectors)
        {
            var page = await GetBitmapPageAsync(bitmapOffset + (bit / BitsPerPage * VhdxLayout.LogSectorSize), cancellationToken).ConfigureAwait(false);
            var bitInPage = (int)(bit % BitsPerPage);
            if (run == 0)
            {
                present = (page[bitInPage >> 3] & (1 << (bitInPage & 7))) != 0;
            }

            var counted = CountRun(page, bitInPage, Math.Min(maxSectors - run, BitsPerPage - bitInPage), present);
            run += counted;
            bit += counted;
            if (bitInPage + counted < BitsPerPage)
            {
                break;
            }
        }

        return (present, run);
    }

    /// <summary>Counts bits equal to <paramref name="value"/> from <paramref name="bit"/>, at most <paramref name="max"/>.</summary>
    internal static int CountRun(ReadOnlySpan<byte> bitmap, int bit, int max, bool value)
    {
        var count = 0;
        var flip = value ? 0xFF : 0x00;
        while (count < max)
        {
            var index = bit + count;
            if ((index & 7) == 0 && max - count >= 8)
            {
                var current = bitmap[index >> 3] ^ flip;
                if (current == 0)
                {
                    count += 8;
                    continue;
                }

                // current has a bit set where the run ends; count the equal bits below it.
                return count + BitOperations.TrailingZeroCount(current);
            }

            var set = (bitmap[index >> 3] & (1 << (index & 7))) != 0;
            if (set != value)
            {
                return count;
            }

            count++;
        }

        return count;
    }

    private async ValueTask<byte[]> GetBitmapPageAsync(long pageFileOffset, CancellationToken cancellationToken)
    {
        if (_bitmapPages.TryGetValue(pageFileOffset, out var page))
        {
            return page;
        }

        page = new byte[VhdxLayout.LogSectorSize];
        await ReadFileAsync(pageFileOffset, page, cancellationToken).ConfigureAwait(false);

        // A concurrent reader may have cached the same page first: everyone uses that one.
        return _bitmapPages.GetOrAdd(pageFileOffset, page);
    }
}
