namespace Broker.Disks.Tests.Crashes;

/// <summary>Deterministic disk content and writes from a seed: sector-aligned extents of random bytes.</summary>
internal sealed class SeededContent(int seed)
{
    private const int Sector = 512;
    private readonly Random _random = new(seed);

    /// <summary>A disk image of <paramref name="size"/> bytes with <paramref name="extents"/> random extents, zero elsewhere.</summary>
    public byte[] Image(long size, int extents)
    {
        var content = new byte[size];
        foreach (var (offset, data) in Writes(size, extents))
        {
            data.CopyTo(content, offset);
        }

        return content;
    }

    /// <summary><paramref name="count"/> random writes (1 to 128 sectors each) inside a disk of <paramref name="size"/> bytes.</summary>
    public IReadOnlyList<(long Offset, byte[] Data)> Writes(long size, int count)
    {
        var writes = new List<(long, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var sectors = _random.Next(1, 129);
            var offset = (long)_random.Next(0, (int)(size / Sector) - sectors) * Sector;
            var data = new byte[sectors * Sector];
            _random.NextBytes(data);
            writes.Add((offset, data));
        }

        return writes;
    }
}
