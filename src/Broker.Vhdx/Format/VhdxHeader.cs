using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>One of the two 4 KiB headers (reference section 3).</summary>
internal readonly record struct VhdxHeader(
    ulong SequenceNumber,
    Guid FileWriteGuid,
    Guid DataWriteGuid,
    Guid LogGuid,
    ushort LogVersion,
    ushort Version,
    uint LogLength,
    ulong LogOffset)
{
    public const int Size = 4096;
    public const uint Signature = 0x64616568; // "head"

    public const int SignatureOffset = 0;
    public const int SequenceNumberOffset = 8;
    public const int FileWriteGuidOffset = 16;
    public const int DataWriteGuidOffset = 32;
    public const int LogGuidOffset = 48;
    public const int LogVersionOffset = 64;
    public const int VersionOffset = 66;
    public const int LogLengthOffset = 68;
    public const int LogOffsetOffset = 72;

    public const ushort CurrentVersion = 1;

    /// <summary>Parses a header whose signature and checksum are valid; false otherwise.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out VhdxHeader header)
    {
        header = default;
        if (source.Length < Size
            || BinaryPrimitives.ReadUInt32LittleEndian(source[SignatureOffset..]) != Signature
            || !Crc32C.Verify(source[..Size]))
        {
            return false;
        }

        header = new VhdxHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(source[SequenceNumberOffset..]),
            new Guid(source.Slice(FileWriteGuidOffset, 16)),
            new Guid(source.Slice(DataWriteGuidOffset, 16)),
            new Guid(source.Slice(LogGuidOffset, 16)),
            BinaryPrimitives.ReadUInt16LittleEndian(source[LogVersionOffset..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[VersionOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[LogLengthOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[LogOffsetOffset..]));
        return true;
    }

    /// <summary>Writes the full 4 KiB structure (reserved bytes zero) with its checksum.</summary>
    public void Write(Span<byte> destination)
    {
        var target = destination[..Size];
        target.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(target[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt64LittleEndian(target[SequenceNumberOffset..], SequenceNumber);
        FileWriteGuid.TryWriteBytes(target.Slice(FileWriteGuidOffset, 16));
        DataWriteGuid.TryWriteBytes(target.Slice(DataWriteGuidOffset, 16));
        LogGuid.TryWriteBytes(target.Slice(LogGuidOffset, 16));
        BinaryPrimitives.WriteUInt16LittleEndian(target[LogVersionOffset..], LogVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(target[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(target[LogLengthOffset..], LogLength);
        BinaryPrimitives.WriteUInt64LittleEndian(target[LogOffsetOffset..], LogOffset);
        Crc32C.Stamp(target);
    }
}
