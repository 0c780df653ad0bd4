using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>Header of a fixed-newstyle option reply: magic, option, reply type, data length.</summary>
internal readonly record struct OptionReplyHeader(NbdOption Option, NbdOptionReplyType Type, uint Length)
{
    public const int Size = 20;
    private const int MagicOffset = 0;
    private const int OptionOffset = 8;
    private const int TypeOffset = 12;
    private const int LengthOffset = 16;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination[MagicOffset..], NbdMagic.OptionReply);
        BinaryPrimitives.WriteUInt32BigEndian(destination[OptionOffset..], (uint)Option);
        BinaryPrimitives.WriteUInt32BigEndian(destination[TypeOffset..], (uint)Type);
        BinaryPrimitives.WriteUInt32BigEndian(destination[LengthOffset..], Length);
    }
}
