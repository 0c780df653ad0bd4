using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>
/// A 4 KiB log data sector: bytes 8..4091 of the update, framed by the split sequence number
/// (reference 10.4). With its descriptor's leading and trailing bytes it rebuilds the 4 KiB sector.
/// </summary>
internal static class LogDataSector
{
    public const int Size = 4096;
    public const uint Signature = 0x61746164; // "data"
    public const int SignatureOffset = 0;
    public const int SequenceHighOffset = 4;
    public const int DataOffset = 8;
    public const int DataLength = 4084;
    public const int SequenceLowOffset = 4092;

    public static bool IsValid(ReadOnlySpan<byte> sector, ulong sequenceNumber) =>
        BinaryPrimitives.ReadUInt32LittleEndian(sector[SignatureOffset..]) == Signature
        && BinaryPrimitives.ReadUInt32LittleEndian(sector[SequenceHighOffset..]) == (uint)(sequenceNumber >> 32)
        && BinaryPrimitives.ReadUInt32LittleEndian(sector[SequenceLowOffset..]) == (uint)sequenceNumber;

    /// <summary>Rebuilds the 4 KiB update from the data sector and its descriptor.</summary>
    public static void Rebuild(ReadOnlySpan<byte> sector, in LogDescriptor descriptor, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, descriptor.LeadingBytes);
        sector.Slice(DataOffset, DataLength).CopyTo(destination[DataOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SequenceLowOffset..], descriptor.TrailingBytes);
    }

    /// <summary>Writes the data sector and returns the descriptor for one 4 KiB update at <paramref name="fileOffset"/>.</summary>
    public static LogDescriptor Write(ReadOnlySpan<byte> update, ulong fileOffset, ulong sequenceNumber, Span<byte> sector)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(sector[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[SequenceHighOffset..], (uint)(sequenceNumber >> 32));
        update.Slice(DataOffset, DataLength).CopyTo(sector[DataOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[SequenceLowOffset..], (uint)sequenceNumber);
        return new LogDescriptor(
            false,
            BinaryPrimitives.ReadUInt32LittleEndian(update[SequenceLowOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(update),
            0,
            fileOffset,
            sequenceNumber);
    }
}
