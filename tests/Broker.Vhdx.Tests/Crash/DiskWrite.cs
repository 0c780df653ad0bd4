namespace Broker.Vhdx.Tests.Crash;

/// <summary>One write of a crash scenario: <paramref name="Data"/> at virtual offset <paramref name="Offset"/>.</summary>
internal sealed record DiskWrite(long Offset, byte[] Data)
{
    public long End => Offset + Data.Length;

    /// <summary>A write of <paramref name="length"/> bytes that are a function of the seed and offset (never all zero).</summary>
    public static DiskWrite Pattern(long offset, int length, int seed)
    {
        var data = new byte[length];
        new Random(unchecked((int)offset ^ (seed * 7919))).NextBytes(data);
        data[0] = (byte)(data[0] | 1);
        return new DiskWrite(offset, data);
    }
}
