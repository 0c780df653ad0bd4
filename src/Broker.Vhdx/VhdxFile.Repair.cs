using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>
    /// Repairs what can be repaired without guessing: a dirty log is replayed into the file (by
    /// opening it for writing), and space past the last structure or block is cut off. Leaked space
    /// between blocks stays (converting the disk compacts it); structural damage is not touched.
    /// </summary>
    /// <exception cref="VhdxFormatException">The file is damaged beyond these repairs (it cannot be opened).</exception>
    public static async Task<VhdxRepairResult> RepairAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var file = await OpenAsync(storage, path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var truncated = await file.TruncateLeakedTailAsync(cancellationToken).ConfigureAwait(false);
            return new VhdxRepairResult(file.LogReplayed, truncated);
        }
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
