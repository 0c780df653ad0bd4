namespace Broker.Vhdx.Format;

/// <summary>Fixed places and limits of the VHDX format (reference sections 1, 11).</summary>
internal static class VhdxLayout
{
    public const int KiB = 1024;
    public const int MiB = 1024 * 1024;

    public const long FileIdentifierOffset = 0;
    public const long Header1Offset = 64 * KiB;
    public const long Header2Offset = 128 * KiB;
    public const long RegionTable1Offset = 192 * KiB;
    public const long RegionTable2Offset = 256 * KiB;

    /// <summary>The header section; every other object starts at or after it, 1 MiB aligned.</summary>
    public const long HeaderSectionSize = MiB;

    /// <summary>Objects (log, regions, blocks) are aligned to this.</summary>
    public const long ObjectAlignment = MiB;

    public const int LogSectorSize = 4 * KiB;

    public const long MaxVirtualSize = 64L * 1024 * 1024 * 1024 * 1024;
    public const int MinBlockSize = MiB;
    public const int MaxBlockSize = 256 * MiB;

    /// <summary>A sector bitmap block covers 2^23 logical sectors.</summary>
    public const int SectorBitmapBlockSize = MiB;
    public const long SectorsPerBitmapBlock = 1L << 23;

    /// <summary>
    /// Largest log we read: the format allows almost 4 GiB, every writer seen uses 1 MiB. Bounds
    /// the memory a hostile header can make us allocate.
    /// </summary>
    public const long MaxLogLength = 64L * MiB;

    /// <summary>Largest metadata item the format allows.</summary>
    public const int MaxMetadataItemLength = MiB;

    /// <summary>Largest file offset a log replay may extend the file to (bounds hostile LastFileOffset).</summary>
    public const long MaxReplayFileLength = 1L << 48;

    public static long RoundUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
