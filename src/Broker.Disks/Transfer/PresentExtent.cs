namespace Broker.Disks.Transfer;

/// <summary>A range of a layer's virtual disk that the layer holds (present data), in bytes.</summary>
/// <param name="Offset">Virtual offset, a multiple of the logical sector size.</param>
/// <param name="Length">Length, a positive multiple of the logical sector size.</param>
public readonly record struct PresentExtent(long Offset, long Length)
{
    /// <summary>First byte after the extent.</summary>
    public long End => Offset + Length;
}
