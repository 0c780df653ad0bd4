using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>A 32-byte log descriptor: a data descriptor (<c>desc</c>) or a zero descriptor (<c>zero</c>), reference 10.3.</summary>
internal readonly record struct LogDescriptor(bool IsZero, uint TrailingBytes, ulong LeadingBytes, ulong ZeroLength, ulong FileOffset, ulong SequenceNumber)
{
    public const int Size = 32;
    public const uint DataSignature = 0x63736564; // "desc"
    public const uint ZeroSignature = 0x6F72657A; // "zero"
    public const int SignatureOffset = 0;
    public const int TrailingBytesOffset = 4;
    public const int LeadingBytesOffset = 8;
    public const int ZeroLengthOffset = 8;
    public const int FileOffsetOffset = 16;
    public const int SequenceNumberOffset = 24;

    public static bool TryRead(ReadOnlySpan<byte> source, out LogDescriptor descriptor)
    {
        descriptor = default;
        var signature = BinaryPrimitives.ReadUInt32LittleEndian(source[SignatureOffset..]);
        var fileOffset = BinaryPrimitives.ReadUInt64LittleEndian(source[FileOffsetOffset..]);
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(source[SequenceNumberOffset..]);
        switch (signature)
        {
            case DataSignature:
                descriptor = new LogDescriptor(
                    false,
                    BinaryPrimitives.ReadUInt32LittleEndian(source[TrailingBytesOffset..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(source[LeadingBytesOffset..]),
                    0,
                    fileOffset,
                    sequence);
                return true;
            case ZeroSignature:
                descriptor = new LogDescriptor(true, 0, 0, BinaryPrimitives.ReadUInt64LittleEndian(source[ZeroLengthOffset..]), fileOffset, sequence);
                return true;
            default:
                return false;
        }
    }

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SignatureOffset..], IsZero ? ZeroSignature : DataSignature);
        if (IsZero)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[ZeroLengthOffset..], ZeroLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[TrailingBytesOffset..], TrailingBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[LeadingBytesOffset..], LeadingBytes);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination[FileOffsetOffset..], FileOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SequenceNumberOffset..], SequenceNumber);
    }
}
