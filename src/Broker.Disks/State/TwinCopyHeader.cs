using System.Buffers.Binary;
using Broker.Vhdx.Format;

namespace Broker.Disks.State;

/// <summary>
/// The header in front of each copy of a <see cref="TwinCopyStore"/> (little-endian):
/// signature, sequence number, payload length and a CRC-32C over the header's first 20 bytes and
/// the payload. A copy is valid when signature, length and checksum all hold.
/// </summary>
internal readonly record struct TwinCopyHeader(ulong Sequence, int PayloadLength, uint Checksum)
{
    /// <summary>Size in bytes; the payload follows at this offset.</summary>
    public const int Size = 24;

    public const int SignatureOffset = 0;
    public const int SequenceOffset = 8;
    public const int PayloadLengthOffset = 16;
    public const int ChecksumOffset = 20;

    /// <summary>"brkstat1" read as a little-endian integer.</summary>
    public const ulong Signature = 0x3174_6174_736B_7262;

    /// <summary>A header for <paramref name="payload"/> at <paramref name="sequence"/>, checksum computed.</summary>
    public static TwinCopyHeader Create(ulong sequence, ReadOnlySpan<byte> payload) =>
        new(sequence, payload.Length, ComputeChecksum(sequence, payload.Length, payload));

    /// <summary>
    /// Reads a header whose signature matches and whose payload length is within
    /// <paramref name="maxPayloadLength"/>; the checksum is checked later by <see cref="Matches"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, int maxPayloadLength, out TwinCopyHeader header)
    {
        header = default;
        if (source.Length < Size || BinaryPrimitives.ReadUInt64LittleEndian(source[SignatureOffset..]) != Signature)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(source[PayloadLengthOffset..]);
        if (length > (uint)maxPayloadLength)
        {
            return false;
        }

        header = new TwinCopyHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(source[SequenceOffset..]),
            (int)length,
            BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumOffset..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        WriteUnchecked(destination, Sequence, PayloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ChecksumOffset..], Checksum);
    }

    /// <summary>True when <paramref name="payload"/> (exactly <see cref="PayloadLength"/> bytes) matches the checksum.</summary>
    public bool Matches(ReadOnlySpan<byte> payload) =>
        payload.Length == PayloadLength && ComputeChecksum(Sequence, PayloadLength, payload) == Checksum;

    private static uint ComputeChecksum(ulong sequence, int payloadLength, ReadOnlySpan<byte> payload)
    {
        Span<byte> covered = stackalloc byte[ChecksumOffset];
        WriteUnchecked(covered, sequence, payloadLength);
        return ~Crc32C.Append(Crc32C.Append(uint.MaxValue, covered), payload);
    }

    private static void WriteUnchecked(Span<byte> destination, ulong sequence, int payloadLength)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[PayloadLengthOffset..], (uint)payloadLength);
    }
}
