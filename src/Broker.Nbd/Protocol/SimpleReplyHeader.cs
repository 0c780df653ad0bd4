using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>A simple reply: magic, error, handle; a successful read's data follows.</summary>
internal readonly record struct SimpleReplyHeader(NbdError Error, ulong Handle)
{
    public const int Size = 16;
    private const int MagicOffset = 0;
    private const int ErrorOffset = 4;
    private const int HandleOffset = 8;

    public static bool TryRead(ReadOnlySpan<byte> source, out SimpleReplyHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(source[MagicOffset..]) != NbdMagic.SimpleReply)
        {
            throw new NbdProtocolException(nameof(SimpleReplyHeader), MagicOffset, "bad simple reply magic.");
        }

        header = new SimpleReplyHeader(
            (NbdError)BinaryPrimitives.ReadUInt32BigEndian(source[ErrorOffset..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[HandleOffset..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[MagicOffset..], NbdMagic.SimpleReply);
        BinaryPrimitives.WriteUInt32BigEndian(destination[ErrorOffset..], (uint)Error);
        BinaryPrimitives.WriteUInt64BigEndian(destination[HandleOffset..], Handle);
    }
}
