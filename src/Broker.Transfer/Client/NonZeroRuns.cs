namespace Broker.Transfer.Client;

/// <summary>Where a chunk holds anything but zeros, in whole 4 KiB pages (the file system's block).</summary>
internal static class NonZeroRuns
{
    /// <summary>The page size runs are measured in.</summary>
    public const int PageLength = 4096;

    /// <summary>The runs of consecutive pages of <paramref name="data"/> that are not all zero, in order (the last page may be short).</summary>
    public static List<(int Start, int Length)> Of(ReadOnlySpan<byte> data)
    {
        var runs = new List<(int Start, int Length)>();
        var start = -1;
        for (var page = 0; page < data.Length; page += PageLength)
        {
            var zero = !data.Slice(page, Math.Min(PageLength, data.Length - page)).ContainsAnyExcept((byte)0);
            if (!zero && start < 0)
            {
                start = page;
            }
            else if (zero && start >= 0)
            {
                runs.Add((start, page - start));
                start = -1;
            }
        }

        if (start >= 0)
        {
            runs.Add((start, data.Length - start));
        }

        return runs;
    }
}
