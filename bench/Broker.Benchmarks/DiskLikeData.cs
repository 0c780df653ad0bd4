using System.Text;

namespace Broker.Benchmarks;

/// <summary>
/// Data shaped like a used virtual disk: 4 KiB blocks, half zero, a quarter repeated text, a quarter
/// random, in a seeded order (the mix of the transfer benchmark in issue 6).
/// </summary>
public static class DiskLikeData
{
    public const int BlockSize = 4096;

    private static readonly byte[] Text = Encoding.ASCII.GetBytes(
        "Jan 12 03:14:07 desktop kernel: EXT4-fs (vda1): mounted filesystem with ordered data mode. ");

    public static byte[] Create(int length, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var data = new byte[length];
        var random = new Random(seed);
        for (var offset = 0; offset < length; offset += BlockSize)
        {
            var block = data.AsSpan(offset, Math.Min(BlockSize, length - offset));
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    break;
                case 2:
                    for (var i = 0; i < block.Length; i++)
                    {
                        block[i] = Text[(i + offset) % Text.Length];
                    }

                    break;
                default:
                    random.NextBytes(block);
                    break;
            }
        }

        return data;
    }
}
