using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>A 32-byte region table entry.</summary>
internal readonly record struct RegionTableEntry(Guid Guid, ulong FileOffset, uint Length, bool Required)
{
    public const int Size = 32;
    public const int GuidOffset = 0;
    public const int FileOffsetOffset = 16;
    public const int LengthOffset = 24;
    public const int RequiredOffset = 28;

    public static RegionTableEntry Read(ReadOnlySpan<byte> source) => new(
        new Guid(source.Slice(GuidOffset, 16)),
        BinaryPrimitives.ReadUInt64LittleEndian(source[FileOffsetOffset..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[LengthOffset..]),
        (BinaryPrimitives.ReadUInt32LittleEndian(source[RequiredOffset..]) & 1) != 0);

    public void Write(Span<byte> destination)
    {
        Guid.TryWriteBytes(destination.Slice(GuidOffset, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[FileOffsetOffset..], FileOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[LengthOffset..], Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[RequiredOffset..], Required ? 1u : 0u);
    }
}
