using System.Buffers;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>
    /// Repairs what can be repaired without guessing, in this order: a dirty log is replayed and a
    /// damaged header copy rewritten (both by opening the file for writing); a damaged region table
    /// copy is rewritten from the intact one; BAT entries that break the "write 0" rules (a file
    /// offset on a NOT_PRESENT or ZERO payload block, a sector bitmap entry in a file without a
    /// parent) are cleared through the log; space past the last structure or block is cut off.
    /// Leaked space between blocks stays (converting the disk compacts it); structural damage that
    /// stops the file from opening is not touched.
    /// </summary>
    /// <exception cref="VhdxFormatException">The file is damaged beyond these repairs (it cannot be opened).</exception>
    public static async Task<VhdxRepairResult> RepairAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var file = await OpenAsync(storage, path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var regionTable = await file.RestoreRegionTableCopyAsync(cancellationToken).ConfigureAwait(false);
            var cleared = await file.ClearReservedBatOffsetsAsync(cancellationToken).ConfigureAwait(false);
            var truncated = await file.TruncateLeakedTailAsync(cancellationToken).ConfigureAwait(false);
            return new VhdxRepairResult(file.LogReplayed, truncated)
            {
                HeaderRestored = file._headerCopyRestored,
                RegionTableRestored = regionTable,
                BatEntriesCleared = cleared,
            };
        }
    }

    /// <summary>
    /// Writes the intact region table over a damaged copy (libvhdi refuses a file with either copy
    /// damaged). A crash while writing leaves the intact copy, so a later repair does it again.
    /// </summary>
    private async ValueTask<bool> RestoreRegionTableCopyAsync(CancellationToken cancellationToken)
    {
        var first = ArrayPool<byte>.Shared.Rent(RegionTable.Size);
        var second = ArrayPool<byte>.Shared.Rent(RegionTable.Size);
        try
        {
            var firstCopy = first.AsMemory(0, RegionTable.Size);
            var secondCopy = second.AsMemory(0, RegionTable.Size);
            await ReadFileAsync(VhdxLayout.RegionTable1Offset, firstCopy, cancellationToken).ConfigureAwait(false);
            await ReadFileAsync(VhdxLayout.RegionTable2Offset, secondCopy, cancellationToken).ConfigureAwait(false);
            var (firstValid, secondValid) = (RegionTable.TryRead(firstCopy.Span, out _), RegionTable.TryRead(secondCopy.Span, out _));
            if (firstValid == secondValid)
            {
                return false;
            }

            var (intact, damagedOffset) = firstValid ? (firstCopy, VhdxLayout.RegionTable2Offset) : (secondCopy, VhdxLayout.RegionTable1Offset);
            await _file.WriteAsync(damagedOffset, intact, cancellationToken).ConfigureAwait(false);
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
            ArrayPool<byte>.Shared.Return(second);
        }
    }

    /// <summary>
    /// Clears the file offsets the format reserves as 0 (NOT_PRESENT and ZERO payload entries: Hyper-V
    /// fails to read a ZERO block with one) and sector bitmap entries of a file without a parent,
    /// through the log like any BAT update, then closes the log session so the tail can be cut.
    /// </summary>
    private async ValueTask<int> ClearReservedBatOffsetsAsync(CancellationToken cancellationToken)
    {
        var differencing = DiskType == VhdxDiskType.Differencing;
        var cleared = 0;
        for (long index = 0; index < _geometry.TotalEntries; index++)
        {
            var entry = _bat[index];
            var repaired = _geometry.IsBitmapIndex(index)
                ? (differencing ? entry : 0)
                : BatEntry.State(entry) is BatEntry.Zero or BatEntry.NotPresent ? (ulong)BatEntry.State(entry) : entry;
            if (repaired != entry)
            {
                SetBatEntry(index, repaired);
                cleared++;
            }
        }

        if (cleared > 0)
        {
            await CloseSessionAsync(cancellationToken).ConfigureAwait(false);
        }

        return cleared;
    }

    /// <summary>
    /// Cuts the file after its last used 1 MiB granule. Runs with no log active (right after an
    /// open for writing replayed and closed any log), so no log entry refers to the cut space.
    /// </summary>
    private async ValueTask<long> TruncateLeakedTailAsync(CancellationToken cancellationToken)
    {
        if (_header.LogGuid != Guid.Empty || _dirtyBatPages.Count + _dirtyBitmapPages.Count > 0)
        {
            return 0;
        }

        long usedEnd = VhdxLayout.HeaderSectionSize;
        foreach (var (_, end, _) in _occupiedRegions)
        {
            usedEnd = Math.Max(usedEnd, end);
        }

        for (long index = 0; index < _geometry.TotalEntries; index++)
        {
            if (ObjectOf(index) is { } item)
            {
                usedEnd = Math.Max(usedEnd, item.End);
            }
        }

        usedEnd = VhdxLayout.RoundUp(usedEnd, VhdxLayout.MiB);
        var originalLength = _file.Length;
        if (originalLength <= usedEnd)
        {
            return 0;
        }

        await _file.SetLengthAsync(usedEnd, cancellationToken).ConfigureAwait(false);
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _fileEnd = usedEnd;
        _effectiveLength = usedEnd;
        return originalLength - usedEnd;
    }
}
