using System.Text;

namespace Broker.Transfer.Bench;

/// <summary>
/// The bench's disk: 4 GiB virtual, 8 MiB data extents alternating with 8 MiB holes (2 GiB of data);
/// inside the extents 4 KiB blocks, half zero, a quarter repeated text, a quarter random. And the
/// "1 % change": random 64 KiB extents of random bytes, 1 % of the data in all.
/// </summary>
internal static class BenchData
{
    public const long VirtualSize = 4L * 1024 * 1024 * 1024;
    public const int ExtentLength = 8 * 1024 * 1024;
    public const long DataBytes = VirtualSize / 2;
    public const int ChangeLength = 64 * 1024;
    public const int ChangeCount = (int)((DataBytes / 100 + ChangeLength - 1) / ChangeLength);

    private const int BlockLength = 4096;

    /// <summary>Bytes one change set writes.</summary>
    public static long ChangedBytes => (long)ChangeCount * ChangeLength;

    /// <summary>Writes the flat image: a sparse file, only the data extents written.</summary>
    public static async Task WriteFlatImageAsync(string path, CancellationToken cancellationToken)
    {
        var random = new Random(1);
        var text = TextBlock();
        var extent = new byte[ExtentLength];
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
        RandomAccess.SetLength(file, VirtualSize);
        for (long offset = 0; offset < VirtualSize; offset += 2L * ExtentLength)
        {
            for (var block = 0; block < ExtentLength; block += BlockLength)
            {
                var span = extent.AsSpan(block, BlockLength);
                switch (random.Next(4))
                {
                    case 0 or 1:
                        span.Clear();
                        break;
                    case 2:
                        text.CopyTo(span);
                        break;
                    default:
                        random.NextBytes(span);
                        break;
                }
            }

            await RandomAccess.WriteAsync(file, extent, offset, cancellationToken);
        }

        RandomAccess.FlushToDisk(file);
    }

    /// <summary>Change set number <paramref name="seed"/>: distinct 64 KiB-aligned offsets anywhere on the disk, random bytes.</summary>
    public static IReadOnlyList<(long Offset, byte[] Data)> Changes(int seed)
    {
        var random = new Random(1000 + seed);
        var offsets = new SortedSet<long>();
        while (offsets.Count < ChangeCount)
        {
            _ = offsets.Add(random.NextInt64(VirtualSize / ChangeLength) * ChangeLength);
        }

        return [.. offsets.Select(offset =>
        {
            var data = new byte[ChangeLength];
            random.NextBytes(data);
            return (offset, data);
        })];
    }

    private static byte[] TextBlock()
    {
        var line = Encoding.ASCII.GetBytes("The broker checks a desktop out to a laptop and syncs its layers back. ");
        var block = new byte[BlockLength];
        for (var i = 0; i < BlockLength; i++)
        {
            block[i] = line[i % line.Length];
        }

        return block;
    }
}
