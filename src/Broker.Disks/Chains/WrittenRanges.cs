using Broker.Vhdx;

namespace Broker.Disks.Chains;

/// <summary>
/// The ranges written to a <see cref="ChainBlockDevice"/> since it began tracking them
/// (<see cref="ChainBlockDevice.TrackWritesAsync"/>), widened to whole logical sectors: a write
/// through the chain leaves every sector it touches whole in the top file, so those sectors can be
/// read back from the top alone. Thread-safe; overlapping and adjacent ranges are merged whenever
/// the list has doubled, so memory stays bounded by the distinct regions written.
/// </summary>
internal sealed class WrittenRanges(int sectorSize)
{
    private const int FirstCoalesceAt = 1024;

    private readonly Lock _sync = new();
    private List<(long Start, long End)> _ranges = [];
    private int _coalesceAt = FirstCoalesceAt;

    /// <summary>Records a write of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    public void Add(long offset, int length)
    {
        var start = offset / sectorSize * sectorSize;
        var end = (offset + length + sectorSize - 1) / sectorSize * sectorSize;
        lock (_sync)
        {
            _ranges.Add((start, end));
            if (_ranges.Count >= _coalesceAt)
            {
                _ranges = Coalesce(_ranges);
                _coalesceAt = Math.Max(FirstCoalesceAt, _ranges.Count * 2);
            }
        }
    }

    /// <summary>The ranges recorded so far, sorted and merged, as data extents.</summary>
    public IReadOnlyList<VhdxExtent> ToExtents()
    {
        lock (_sync)
        {
            return [.. Coalesce(_ranges).Select(range => new VhdxExtent(range.Start, range.End - range.Start, VhdxExtentKind.Data))];
        }
    }

    private static List<(long Start, long End)> Coalesce(List<(long Start, long End)> ranges)
    {
        var merged = new List<(long Start, long End)>();
        foreach (var range in ranges.OrderBy(range => range.Start))
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }
}
