namespace Broker.Disks.Transfer;

/// <summary>Where a chunk lies on the virtual disk: a piece of a present extent, at most <see cref="ChunkLayout.MaxChunkLength"/> bytes.</summary>
/// <param name="Offset">Virtual offset, sector-aligned.</param>
/// <param name="Length">Length in bytes, sector-aligned, 1 to <see cref="ChunkLayout.MaxChunkLength"/>.</param>
public readonly record struct ChunkSpan(long Offset, int Length)
{
    /// <summary>First byte after the chunk.</summary>
    public long End => Offset + Length;
}
