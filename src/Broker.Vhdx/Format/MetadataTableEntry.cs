using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>A 32-byte metadata table entry (reference section 5.2).</summary>
internal readonly record struct MetadataTableEntry(Guid ItemId, uint Offset, uint Length, uint Flags)
{
    public const int Size = 32;
    public const int ItemIdOffset = 0;
    public const int OffsetOffset = 16;
    public const int LengthOffset = 20;
    public const int FlagsOffset = 24;

    public const uint IsUserFlag = 1;
    public const uint IsVirtualDiskFlag = 2;
    public const uint IsRequiredFlag = 4;

    public bool IsUser => (Flags & IsUserFlag) != 0;

    public bool IsRequired => (Flags & IsRequiredFlag) != 0;

    public static MetadataTableEntry Read(ReadOnlySpan<byte> source) => new(
        new Guid(source.Slice(ItemIdOffset, 16)),
        BinaryPrimitives.ReadUInt32LittleEndian(source[OffsetOffset..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[LengthOffset..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[FlagsOffset..]));

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        ItemId.TryWriteBytes(destination.Slice(ItemIdOffset, 16));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[OffsetOffset..], Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[LengthOffset..], Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[FlagsOffset..], Flags);
    }
}
