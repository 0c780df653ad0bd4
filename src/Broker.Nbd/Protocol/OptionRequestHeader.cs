using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>Header of a handshake option request: 'IHAVEOPT', option, data length; the data follows.</summary>
internal readonly record struct OptionRequestHeader(NbdOption Option, uint Length)
{
    public const int Size = 16;
    private const int MagicOffset = 0;
    private const int OptionOffset = 8;
    public const int LengthOffset = 12;

    public static bool TryRead(ReadOnlySpan<byte> source, out OptionRequestHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(source[MagicOffset..]) != NbdMagic.HaveOption)
        {
            throw new NbdProtocolException(nameof(OptionRequestHeader), MagicOffset, "bad IHAVEOPT magic.");
        }

        header = new OptionRequestHeader(
            (NbdOption)BinaryPrimitives.ReadUInt32BigEndian(source[OptionOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[LengthOffset..]));
        return true;
    }
}
