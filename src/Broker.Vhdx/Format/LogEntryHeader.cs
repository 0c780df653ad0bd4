using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>The 64-byte header at the start of a log entry (reference 10.2).</summary>
internal readonly record struct LogEntryHeader(
    uint EntryLength,
    uint Tail,
    ulong SequenceNumber,
    uint DescriptorCount,
    Guid LogGuid,
    ulong FlushedFileOffset,
    ulong LastFileOffset)
{
    public const int Size = 64;
    public const uint Signature = 0x65676F6C; // "loge"
    public const int SignatureOffset = 0;
    public const int EntryLengthOffset = 8;
    public const int TailOffset = 12;
    public const int SequenceNumberOffset = 16;
    public const int DescriptorCountOffset = 24;
    public const int LogGuidOffset = 32;
    public const int FlushedFileOffsetOffset = 48;
    public const int LastFileOffsetOffset = 56;

    /// <summary>Descriptors in the first sector (after the header) and in each further descriptor sector.</summary>
    public const int DescriptorsInFirstSector = 126;
    public const int DescriptorsPerSector = 128;

    public static int DescriptorSectorCount(long descriptorCount) => (int)((descriptorCount + (DescriptorsPerSector - DescriptorsInFirstSector) + DescriptorsPerSector - 1) / DescriptorsPerSector);

    /// <summary>Byte offset, from the entry start, of descriptor <paramref name="index"/>.</summary>
    public static long DescriptorOffset(long index) => Size + (index * LogDescriptor.Size);

    /// <summary>Parses the header fields when the signature matches (checksum is verified over the whole entry elsewhere).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out LogEntryHeader header)
    {
        header = default;
        if (source.Length < Size || BinaryPrimitives.ReadUInt32LittleEndian(source[SignatureOffset..]) != Signature)
        {
            return false;
        }

        header = new LogEntryHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source[EntryLengthOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[TailOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[SequenceNumberOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[DescriptorCountOffset..]),
            new Guid(source.Slice(LogGuidOffset, 16)),
            BinaryPrimitives.ReadUInt64LittleEndian(source[FlushedFileOffsetOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[LastFileOffsetOffset..]));
        return true;
    }

    /// <summary>Writes the header fields; the checksum field is left zero for the caller to stamp over the whole entry.</summary>
    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[EntryLengthOffset..], EntryLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[TailOffset..], Tail);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SequenceNumberOffset..], SequenceNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[DescriptorCountOffset..], DescriptorCount);
        LogGuid.TryWriteBytes(destination.Slice(LogGuidOffset, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[FlushedFileOffsetOffset..], FlushedFileOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[LastFileOffsetOffset..], LastFileOffset);
    }
}
