using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>
/// A transmission request: magic, command flags, type, handle, offset, length. NBD_CMD_WRITE is
/// followed by <see cref="Length"/> payload bytes.
/// </summary>
internal readonly record struct RequestHeader(NbdCommandFlags Flags, NbdCommand Command, ulong Handle, ulong Offset, uint Length)
{
    public const int Size = 28;
    private const int MagicOffset = 0;
    private const int FlagsOffset = 4;
    private const int CommandOffset = 6;
    private const int HandleOffset = 8;
    private const int OffsetOffset = 16;
    public const int LengthOffset = 24;

    public static bool TryRead(ReadOnlySpan<byte> source, out RequestHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(source[MagicOffset..]) != NbdMagic.Request)
        {
            throw new NbdProtocolException(nameof(RequestHeader), MagicOffset, "bad request magic.");
        }

        header = new RequestHeader(
            (NbdCommandFlags)BinaryPrimitives.ReadUInt16BigEndian(source[FlagsOffset..]),
            (NbdCommand)BinaryPrimitives.ReadUInt16BigEndian(source[CommandOffset..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[HandleOffset..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[OffsetOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[LengthOffset..]));
        return true;
    }
}
