using System.Text;

namespace Broker.Disks.Tests.Transfer;

/// <summary>Seeded data shaped like a used disk: 4 KiB blocks, half zero, a quarter text, a quarter random.</summary>
internal static class DiskLikeData
{
    private static readonly byte[] Text = Encoding.ASCII.GetBytes("Nov 25 12:00:00 desktop systemd[1]: Started Session 4 of user alice. ");

    public static byte[] Create(int length, int seed)
    {
        var data = new byte[length];
        var random = new Random(seed);
        for (var offset = 0; offset < length; offset += 4096)
        {
            var block = data.AsSpan(offset, Math.Min(4096, length - offset));
            switch (random.Next(4))
            {
                case 2:
                    for (var i = 0; i < block.Length; i++)
                    {
                        block[i] = Text[(offset + i) % Text.Length];
                    }

                    break;
                case 3:
                    random.NextBytes(block);
                    break;
                default:
                    break;
            }
        }

        return data;
    }

    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
