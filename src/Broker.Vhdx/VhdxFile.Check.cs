using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>
    /// Checks one file without modifying it: structures that prevent opening (bad checksums,
    /// overlapping or out-of-file BAT entries, bad metadata), a dirty log, damaged second copies of
    /// headers and region tables, block states that do not fit the disk type, and leaked space.
    /// </summary>
    public static async Task<VhdxCheckResult> CheckAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        VhdxFile file;
        try
        {
            file = await OpenAsync(storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        }
        catch (VhdxFormatException exception)
        {
            return new VhdxCheckResult([new VhdxCheckProblem(VhdxCheckSeverity.Corruption, exception.Structure, exception.FileOffset, exception.Message)], 0);
        }

        await using (file.ConfigureAwait(false))
        {
            return await file.CheckOpenFileAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VhdxCheckResult> CheckOpenFileAsync(CancellationToken cancellationToken)
    {
        var problems = new List<VhdxCheckProblem>();
        if (LogReplayed)
        {
            problems.Add(new VhdxCheckProblem(VhdxCheckSeverity.Corruption, "log", (long)_header.LogOffset, "the log holds updates that were never applied (dirty); open read-write to replay it"));
        }

        var buffer = new byte[RegionTable.Size];
        foreach (var offset in new[] { VhdxLayout.Header1Offset, VhdxLayout.Header2Offset })
        {
            await ReadFileAsync(offset, buffer.AsMemory(0, VhdxHeader.Size), cancellationToken).ConfigureAwait(false);
            if (!VhdxHeader.TryRead(buffer.AsSpan(0, VhdxHeader.Size), out _))
            {
                problems.Add(new VhdxCheckProblem(VhdxCheckSeverity.Warning, "header", offset, "this header copy has a bad signature or checksum"));
            }
        }

        foreach (var offset in new[] { VhdxLayout.RegionTable1Offset, VhdxLayout.RegionTable2Offset })
        {
            await ReadFileAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
            if (!RegionTable.TryRead(buffer, out _))
            {
                // libvhdi refuses a file with either copy damaged, so this is more than a warning.
                problems.Add(new VhdxCheckProblem(VhdxCheckSeverity.Corruption, "region table", offset, "this region table copy has a bad signature, checksum or entry count"));
            }
        }

        var used = _occupiedRegions.Select(region => (region.Start, region.End)).ToList();
        var differencing = DiskType == VhdxDiskType.Differencing;
        for (long index = 0; index < _geometry.TotalEntries; index++)
        {
            if (ObjectOf(index) is { } item)
            {
                used.Add((item.Start, item.End));
            }

            var entry = _bat[index];
            var state = BatEntry.State(entry);
            var entryOffset = _batOffset + (index * BatEntry.Size);
            if (_geometry.IsBitmapIndex(index))
            {
                if (!differencing && entry != 0)
                {
                    problems.Add(new VhdxCheckProblem(VhdxCheckSeverity.Warning, "BAT entry", entryOffset, $"sector bitmap entry {index} is not zero in a file without a parent"));
                }
            }
            else if (state == BatEntry.PartiallyPresent && !differencing)
            {
                problems.Add(new VhdxCheckProblem(VhdxCheckSeverity.Corruption, "BAT entry", entryOffset, $"payload entry {index} is PARTIALLY_PRESENT in a file without a parent"));
            }
            else if (state is BatEntry.Zero or BatEntry.NotPresent && BatEntry.FileOffset(entry) != 0)
            {
                problems.Add(new VhdxCheckProblem(VhdxCheckSeverity.Warning, "BAT entry", entryOffset, $"payload entry {index} in state {state} has a non-zero file offset"));
            }
        }

        return new VhdxCheckResult(problems, Leaked(used, VhdxLayout.RoundUp(_file.Length, VhdxLayout.MiB)));
    }

    private static long Leaked(List<(long Start, long End)> used, long fileLength)
    {
        used.Sort((a, b) => a.Start.CompareTo(b.Start));
        long leaked = 0;
        long position = 0;
        foreach (var (start, end) in used)
        {
            if (start > position)
            {
                leaked += Math.Min(start, fileLength) - Math.Min(position, fileLength);
            }

            position = Math.Max(position, end);
        }

        return leaked + Math.Max(0, fileLength - position);
    }
}
