namespace Broker.Vhdx.Format;

/// <summary>
/// Where each block's BAT entry lives: payload entries interleaved with one sector bitmap entry
/// per chunk (reference 7.3, 7.4).
/// </summary>
internal sealed class BatGeometry
{
    public BatGeometry(long virtualSize, int blockSize, int logicalSectorSize, bool hasParent)
    {
        VirtualSize = virtualSize;
        BlockSize = blockSize;
        LogicalSectorSize = logicalSectorSize;
        ChunkRatio = (int)(VhdxLayout.SectorsPerBitmapBlock * logicalSectorSize / blockSize);
        DataBlockCount = (virtualSize + blockSize - 1) / blockSize;
        var sectorBitmapBlockCount = (DataBlockCount + ChunkRatio - 1) / ChunkRatio;
        TotalEntries = hasParent
            ? sectorBitmapBlockCount * (ChunkRatio + 1)
            : DataBlockCount + ((DataBlockCount - 1) / ChunkRatio);
        BitmapBytesPerBlock = blockSize / logicalSectorSize / 8;
    }

    public long VirtualSize { get; }

    public int BlockSize { get; }

    public int LogicalSectorSize { get; }

    public int ChunkRatio { get; }

    public long DataBlockCount { get; }

    /// <summary>BAT entries the file must hold (differencing formula when it has a parent).</summary>
    public long TotalEntries { get; }

    public int BitmapBytesPerBlock { get; }

    /// <summary>BAT bytes rounded up to 1 MiB: the region length to create.</summary>
    public long RegionLength => VhdxLayout.RoundUp(TotalEntries * BatEntry.Size, VhdxLayout.MiB);

    /// <summary>
    /// Bytes of the virtual disk that payload block <paramref name="block"/> covers: the block
    /// size, less for the last block when the virtual size is not a multiple of it.
    /// </summary>
    public long VirtualLength(long block) => Math.Min(BlockSize, VirtualSize - (block * BlockSize));

    public long PayloadIndex(long block) => block + (block / ChunkRatio);

    public long BitmapIndex(long chunk) => (chunk * (ChunkRatio + 1)) + ChunkRatio;

    public bool IsBitmapIndex(long index) => index % (ChunkRatio + 1) == ChunkRatio;

    /// <summary>Payload block number of a payload entry index (not valid for bitmap indexes).</summary>
    public long BlockOfIndex(long index) => index - (index / (ChunkRatio + 1));

    /// <summary>Byte offset, inside its chunk's 1 MiB bitmap block, of block <paramref name="block"/>'s first bit.</summary>
    public long BitmapByteOffset(long block) => (block % ChunkRatio) * BitmapBytesPerBlock;
}
