namespace Broker.Vhdx;

/// <summary>A range of the virtual disk that a file holds itself, in bytes.</summary>
/// <param name="Offset">Virtual offset, a multiple of the logical sector size.</param>
/// <param name="Length">Length, a multiple of the logical sector size (the last extent ends at the virtual size).</param>
/// <param name="Kind">Whether the range is stored data or declared zero.</param>
public sealed record VhdxExtent(long Offset, long Length, VhdxExtentKind Kind)
{
    /// <summary>First byte after the extent.</summary>
    public long End => Offset + Length;
}
