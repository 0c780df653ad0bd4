namespace Broker.Vhdx.Format;

/// <summary>A 64-bit BAT entry: state in bits 0-2, file offset in MiB in bits 20-63 (reference 7.1).</summary>
internal static class BatEntry
{
    public const int Size = 8;
    public const ulong StateMask = 7;
    public const ulong OffsetMask = 0xFFFFFFFFFFF00000;

    // UNDEFINED (1), UNMAPPED (3) and the v0.95 UNMAPPED (5) need no name: like ZERO they
    // allocate nothing and read as zeros, which is what every switch's default case does.
    public const int NotPresent = 0;
    public const int Zero = 2;
    public const int FullyPresent = 6;
    public const int PartiallyPresent = 7;

    /// <summary>SB_BLOCK_PRESENT, the only allocated state of a sector bitmap entry.</summary>
    public const int BitmapPresent = 6;

    public static int State(ulong entry) => (int)(entry & StateMask);

    public static long FileOffset(ulong entry) => (long)(entry & OffsetMask);

    public static ulong Make(long fileOffset, int state) => ((ulong)fileOffset & OffsetMask) | (uint)state;
}
