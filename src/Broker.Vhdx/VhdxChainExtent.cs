namespace Broker.Vhdx;

/// <summary>A range of a chain's virtual disk and the layer a read of it is served from.</summary>
/// <param name="Offset">Virtual offset.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Kind">Stored data or declared zero in that layer.</param>
/// <param name="Layer">Index into <see cref="VhdxDisk.Files"/>: 0 is the top (writable) file.</param>
public sealed record VhdxChainExtent(long Offset, long Length, VhdxExtentKind Kind, int Layer)
{
    /// <summary>First byte after the extent.</summary>
    public long End => Offset + Length;
}
