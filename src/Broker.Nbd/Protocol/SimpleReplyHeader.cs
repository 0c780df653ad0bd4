using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>A simple reply: magic, error, handle; a successful read's data follows.</summary>
internal readonly record struct SimpleReplyHeader(NbdError Error, ulong Handle)
{
    public const int Size = 16;
    private const int MagicOffset = 0;
    private const int ErrorOffset = 4;
    private const int HandleOffset = 8;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[MagicOffset..], NbdMagic.SimpleReply);
        BinaryPrimitives.WriteUInt32BigEndian(destination[ErrorOffset..], (uint)Error);
        BinaryPrimitives.WriteUInt64BigEndian(destination[HandleOffset..], Handle);
    }
}
