namespace Broker.Disks.Transfer;

/// <summary>
/// Cuts a layer's present extents into transfer chunks. Touching extents are one run; runs are never
/// joined across a gap (absent data is never sent, and presence is reproduced exactly). Each run is
/// cut at the multiples of <see cref="MaxChunkLength"/> of the virtual disk, so a chunk never crosses
/// a 1 MiB boundary and equal data at equal offsets yields equal chunks in every layer (dedup).
/// The result depends only on the set of present bytes.
/// </summary>
public static class ChunkLayout
{
    /// <summary>Largest chunk, and the grid chunk boundaries follow.</summary>
    public const int MaxChunkLength = 1 << 20;

    /// <summary>
    /// The chunks of <paramref name="extents"/>, in offset order. Extents must be in ascending offset
    /// order, not overlapping, positive and aligned to <paramref name="sectorSize"/>; a violation throws
    /// <see cref="ArgumentException"/> when enumeration reaches it.
    /// </summary>
    /// <param name="extents">Present extents in offset order.</param>
    /// <param name="sectorSize">Logical sector size: a power of two from 512 to <see cref="MaxChunkLength"/>.</param>
    public static IEnumerable<ChunkSpan> Cut(IEnumerable<PresentExtent> extents, int sectorSize)
    {
        ArgumentNullException.ThrowIfNull(extents);
        ArgumentOutOfRangeException.ThrowIfLessThan(sectorSize, 512);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sectorSize, MaxChunkLength);
        if (!int.IsPow2(sectorSize))
        {
            throw new ArgumentOutOfRangeException(nameof(sectorSize), sectorSize, "The sector size is a power of two.");
        }

        return CutRuns(extents, sectorSize);
    }

    private static IEnumerable<ChunkSpan> CutRuns(IEnumerable<PresentExtent> extents, int sectorSize)
    {
        var runStart = -1L;
        var runEnd = -1L;
        foreach (var extent in extents)
        {
            Validate(extent, sectorSize, runEnd);
            if (extent.Offset == runEnd)
            {
                runEnd = extent.End;
                continue;
            }

            if (runStart >= 0)
            {
                foreach (var chunk in CutRun(runStart, runEnd))
                {
                    yield return chunk;
                }
            }

            runStart = extent.Offset;
            runEnd = extent.End;
        }

        if (runStart >= 0)
        {
            foreach (var chunk in CutRun(runStart, runEnd))
            {
                yield return chunk;
            }
        }
    }

    private static IEnumerable<ChunkSpan> CutRun(long start, long end)
    {
        for (var offset = start; offset < end;)
        {
            var gridEnd = (offset / MaxChunkLength + 1) * MaxChunkLength;
            var chunkEnd = Math.Min(gridEnd, end);
            yield return new ChunkSpan(offset, (int)(chunkEnd - offset));
            offset = chunkEnd;
        }
    }

    private static void Validate(PresentExtent extent, int sectorSize, long previousEnd)
    {
        if (extent.Offset < 0 || extent.Length <= 0 || extent.Length > long.MaxValue - extent.Offset)
        {
            throw new ArgumentException($"Extent {extent} is empty, negative or overflows.", nameof(extent));
        }

        if (extent.Offset % sectorSize != 0 || extent.Length % sectorSize != 0)
        {
            throw new ArgumentException($"Extent {extent} is not aligned to the {sectorSize}-byte sector.", nameof(extent));
        }

        if (extent.Offset < previousEnd)
        {
            throw new ArgumentException($"Extent {extent} starts before the previous one ends ({previousEnd}).", nameof(extent));
        }
    }
}
