using System.Buffers;
using Broker.Vhdx.Format;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>Most 4 KiB metadata pages one block write can dirty: two BAT pages and a 64 KiB bitmap slice.</summary>
    private const int MaxPagesPerBlockWrite = 2 + 16;

    private readonly HashSet<long> _dirtyBatPages = [];
    private readonly HashSet<long> _dirtyBitmapPages = [];
    private bool _payloadUnflushed;

    /// <summary>
    /// Writes at any offset and length. Payload reaches the file at once; block allocation and
    /// sector bitmap changes are visible to reads at once and become durable at the next
    /// <see cref="FlushAsync"/>. A differencing file copies nothing from its parent: written sectors
    /// are marked present in the sector bitmap. Unaligned writes into sectors a differencing file
    /// does not hold need the parent's data: use <see cref="VhdxDisk.WriteAsync"/> for those.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is read-only.</exception>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        CheckRange(offset, data.Length);
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"'{_path}' is open read-only.");
        }

        return WriteCoreAsync(offset, data, cancellationToken);
    }

    /// <summary>
    /// Reserves every block of a dynamic file that the range touches and the file does not hold
    /// yet, writing no payload: a new block is taken from the end of the file, which reads as zero,
    /// so what the disk reads does not change. Later writes into these blocks change no metadata (a
    /// writer that knows a block is fresh may leave its zero runs unwritten). The reservation is
    /// durable at the next <see cref="FlushAsync"/>, which flushes the file's growth before the BAT.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is read-only or differencing (there a block would hide its parent).</exception>
    public async ValueTask ReserveBlocksAsync(long offset, int length, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        CheckRange(offset, length);
        if (IsReadOnly || DiskType == VhdxDiskType.Differencing)
        {
            throw new InvalidOperationException($"'{_path}' is read-only or differencing; only a writable dynamic file reserves blocks.");
        }

        if (length == 0)
        {
            return;
        }

        await BeginVisibleChangeAsync(cancellationToken).ConfigureAwait(false);
        var blockSize = _geometry.BlockSize;
        for (var block = offset / blockSize; block <= (offset + length - 1) / blockSize; block++)
        {
            var index = _geometry.PayloadIndex(block);
            if (BatEntry.State(_bat[index]) is BatEntry.FullyPresent or BatEntry.PartiallyPresent)
            {
                continue;
            }

            if (_dirtyBatPages.Count + _dirtyBitmapPages.Count + MaxPagesPerBlockWrite > MaxPagesPerCommit)
            {
                await CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            SetBatEntry(index, BatEntry.Make(await AllocateAsync(blockSize, cancellationToken).ConfigureAwait(false), BatEntry.FullyPresent));
        }
    }

    internal async ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length == 0)
        {
            return;
        }

        if (_header.LogLength < VhdxLayout.MiB)
        {
            throw Malformed("header", HeaderOffset(_currentHeaderSlot), "the file has no log (at least 1 MiB) to journal metadata changes; it cannot be written");
        }

        await BeginVisibleChangeAsync(cancellationToken).ConfigureAwait(false);
        var sectorSize = _geometry.LogicalSectorSize;
        if (DiskType != VhdxDiskType.Differencing || (offset % sectorSize == 0 && data.Length % sectorSize == 0))
        {
            await WriteSectorsAsync(offset, data, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A partial sector of a differencing file must be completed with what the chain holds
        // there, because the sector becomes present in this file as a whole.
        var end = offset + data.Length;
        var position = offset;
        var sector = ArrayPool<byte>.Shared.Rent(sectorSize);
        try
        {
            while (position < end)
            {
                if (position % sectorSize != 0 || end - position < sectorSize)
                {
                    var sectorStart = position / sectorSize * sectorSize;
                    var pieceEnd = Math.Min(end, sectorStart + sectorSize);
                    var sectorBuffer = sector.AsMemory(0, sectorSize);
                    await ReadCoreAsync(sectorStart, sectorBuffer, throughParent: true, cancellationToken).ConfigureAwait(false);
                    data.Span[(int)(position - offset)..(int)(pieceEnd - offset)].CopyTo(sector.AsSpan((int)(position - sectorStart)));
                    await WriteSectorsAsync(sectorStart, sectorBuffer, cancellationToken).ConfigureAwait(false);
                    position = pieceEnd;
                }
                else
                {
                    var alignedEnd = end / sectorSize * sectorSize;
                    await WriteSectorsAsync(position, data[(int)(position - offset)..(int)(alignedEnd - offset)], cancellationToken).ConfigureAwait(false);
                    position = alignedEnd;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sector);
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/> only if that changes no metadata:
    /// the session already renewed its DataWriteGuid, every block touched is allocated and, in a
    /// differencing file, every sector touched is already present (and the range is sector aligned).
    /// Returns false, having written nothing, otherwise. Unlike the other members this may run
    /// concurrently with reads and other in-place writes (never with anything that changes
    /// metadata): it only reads the BAT and bitmaps and writes payload.
    /// </summary>
    internal async ValueTask<bool> TryWriteInPlaceAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        CheckRange(offset, data.Length);
        var sectorSize = _geometry.LogicalSectorSize;
        var differencing = DiskType == VhdxDiskType.Differencing;
        if (IsReadOnly || !_dataWriteGuidRenewed || data.Length == 0
            || (differencing && (offset % sectorSize != 0 || data.Length % sectorSize != 0)))
        {
            return false;
        }

        var blockSize = _geometry.BlockSize;
        for (var position = offset; position < offset + data.Length;)
        {
            var block = position / blockSize;
            var inBlock = (int)(position % blockSize);
            var length = (int)Math.Min(offset + data.Length - position, blockSize - inBlock);
            var ready = BatEntry.State(_bat[_geometry.PayloadIndex(block)]) switch
            {
                BatEntry.FullyPresent => true,
                BatEntry.PartiallyPresent when !differencing => true,
                BatEntry.PartiallyPresent => await IsPresentAsync(block, inBlock / sectorSize, length / sectorSize, cancellationToken).ConfigureAwait(false),
                _ => false,
            };
            if (!ready)
            {
                return false;
            }

            position += length;
        }

        while (data.Length > 0)
        {
            var block = offset / blockSize;
            var inBlock = (int)(offset % blockSize);
            var length = (int)Math.Min(data.Length, blockSize - inBlock);
            var entry = _bat[_geometry.PayloadIndex(block)];
            await _file.WriteAsync(BatEntry.FileOffset(entry) + inBlock, data[..length], cancellationToken).ConfigureAwait(false);
            offset += length;
            data = data[length..];
        }

        Volatile.Write(ref _payloadUnflushed, true);
        return true;
    }

    private async ValueTask<bool> IsPresentAsync(long block, int sectorInBlock, int sectors, CancellationToken cancellationToken)
    {
        var (present, run) = await GetBitmapRunAsync(block, sectorInBlock, sectors, cancellationToken).ConfigureAwait(false);
        return present && run == sectors;
    }

    /// <summary>Writes a range that is sector aligned whenever the file is differencing.</summary>
    private async ValueTask WriteSectorsAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var blockSize = _geometry.BlockSize;
        while (data.Length > 0)
        {
            if (_dirtyBatPages.Count + _dirtyBitmapPages.Count + MaxPagesPerBlockWrite > MaxPagesPerCommit)
            {
                await CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            var block = offset / blockSize;
            var inBlock = (int)(offset % blockSize);
            var length = (int)Math.Min(data.Length, blockSize - inBlock);
            await WriteBlockAsync(block, inBlock, data[..length], cancellationToken).ConfigureAwait(false);
            offset += length;
            data = data[length..];
        }

        _payloadUnflushed = true;
    }

    private async ValueTask WriteBlockAsync(long block, int inBlock, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var index = _geometry.PayloadIndex(block);
        var entry = _bat[index];
        var differencing = DiskType == VhdxDiskType.Differencing;
        switch (BatEntry.State(entry))
        {
            case BatEntry.FullyPresent:
            case BatEntry.PartiallyPresent when !differencing:
                await _file.WriteAsync(BatEntry.FileOffset(entry) + inBlock, data, cancellationToken).ConfigureAwait(false);
                break;
            case BatEntry.PartiallyPresent:
                await _file.WriteAsync(BatEntry.FileOffset(entry) + inBlock, data, cancellationToken).ConfigureAwait(false);
                await SetPresentAsync(block, inBlock, data.Length, cancellationToken).ConfigureAwait(false);
                break;
            case BatEntry.NotPresent when differencing:
                {
                    await EnsureBitmapBlockAsync(block / _geometry.ChunkRatio, cancellationToken).ConfigureAwait(false);
                    var blockOffset = await AllocateAsync(_geometry.BlockSize, cancellationToken).ConfigureAwait(false);
                    await _file.WriteAsync(blockOffset + inBlock, data, cancellationToken).ConfigureAwait(false);
                    SetBatEntry(index, BatEntry.Make(blockOffset, BatEntry.PartiallyPresent));
                    await SetPresentAsync(block, inBlock, data.Length, cancellationToken).ConfigureAwait(false);
                    break;
                }

            default:
                {
                    // Never written, zero, unmapped or undefined: a fresh zero-filled block keeps
                    // every unwritten byte reading as zero, which is what these states promise.
                    var blockOffset = await AllocateAsync(_geometry.BlockSize, cancellationToken).ConfigureAwait(false);
                    await _file.WriteAsync(blockOffset + inBlock, data, cancellationToken).ConfigureAwait(false);
                    SetBatEntry(index, BatEntry.Make(blockOffset, BatEntry.FullyPresent));
                    break;
                }
        }
    }

    private async ValueTask EnsureBitmapBlockAsync(long chunk, CancellationToken cancellationToken)
    {
        var index = _geometry.BitmapIndex(chunk);
        if (BatEntry.State(_bat[index]) == BatEntry.BitmapPresent)
        {
            return;
        }

        var offset = await AllocateAsync(VhdxLayout.SectorBitmapBlockSize, cancellationToken).ConfigureAwait(false);
        SetBatEntry(index, BatEntry.Make(offset, BatEntry.BitmapPresent));
    }

    /// <summary>Marks the sectors of a byte range (sector aligned) of a block present in the sector bitmap.</summary>
    private async ValueTask SetPresentAsync(long block, int inBlock, int length, CancellationToken cancellationToken)
    {
        var bitmapOffset = BatEntry.FileOffset(_bat[_geometry.BitmapIndex(block / _geometry.ChunkRatio)]);
        var bit = (_geometry.BitmapByteOffset(block) * 8) + (inBlock / _geometry.LogicalSectorSize);
        var remaining = length / _geometry.LogicalSectorSize;
        while (remaining > 0)
        {
            var pageOffset = bitmapOffset + (bit / BitsPerPage * VhdxLayout.LogSectorSize);
            var page = await GetBitmapPageAsync(pageOffset, cancellationToken).ConfigureAwait(false);
            var bitInPage = (int)(bit % BitsPerPage);
            var count = Math.Min(remaining, BitsPerPage - bitInPage);
            SetBits(page, bitInPage, count);
            _dirtyBitmapPages.Add(pageOffset);
            bit += count;
            remaining -= count;
        }
    }

    private static void SetBits(Span<byte> bitmap, int bit, int count)
    {
        while (count > 0 && (bit & 7) != 0)
        {
            bitmap[bit >> 3] |= (byte)(1 << (bit & 7));
            bit++;
            count--;
        }

        if (count >= 8)
        {
            bitmap.Slice(bit >> 3, count >> 3).Fill(0xFF);
            bit += count & ~7;
            count &= 7;
        }

        for (; count > 0; count--, bit++)
        {
            bitmap[bit >> 3] |= (byte)(1 << (bit & 7));
        }
    }

    private void SetBatEntry(long index, ulong value)
    {
        _bat[index] = value;
        _dirtyBatPages.Add(index / (VhdxLayout.LogSectorSize / BatEntry.Size));
    }

    /// <summary>Reserves <paramref name="length"/> bytes (rounded to 1 MiB) at the end of the file, zero filled.</summary>
    private async ValueTask<long> AllocateAsync(long length, CancellationToken cancellationToken)
    {
        var offset = _fileEnd;
        _fileEnd += VhdxLayout.RoundUp(length, VhdxLayout.MiB);
        if (_file.Length < _fileEnd)
        {
            await _file.SetLengthAsync(_fileEnd, cancellationToken).ConfigureAwait(false);
        }

        return offset;
    }

    /// <summary>
    /// Before the first change a reader could observe: a new DataWriteGuid (and, on the first
    /// header update of the session, a new FileWriteGuid) reaches both headers (reference 3.4).
    /// </summary>
    private async ValueTask BeginVisibleChangeAsync(CancellationToken cancellationToken)
    {
        if (_dataWriteGuidRenewed)
        {
            return;
        }

        await WriteHeadersAsync(Guid.NewGuid(), _header.LogGuid, cancellationToken).ConfigureAwait(false);
        _dataWriteGuidRenewed = true;
    }
}
