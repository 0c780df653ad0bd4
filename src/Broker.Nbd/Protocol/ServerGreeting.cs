using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>The first bytes of a newstyle session: 'NBDMAGIC', 'IHAVEOPT', handshake flags.</summary>
internal readonly record struct ServerGreeting(HandshakeFlags Flags)
{
    public const int Size = 18;
    private const int InitPasswordOffset = 0;
    private const int HaveOptionOffset = 8;
    private const int FlagsOffset = 16;

    public static bool TryRead(ReadOnlySpan<byte> source, out ServerGreeting greeting)
    {
        greeting = default;
        if (source.Length < Size)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(source[InitPasswordOffset..]) != NbdMagic.InitPassword)
        {
            throw new NbdProtocolException(nameof(ServerGreeting), InitPasswordOffset, "bad NBDMAGIC.");
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(source[HaveOptionOffset..]) != NbdMagic.HaveOption)
        {
            throw new NbdProtocolException(nameof(ServerGreeting), HaveOptionOffset, "not a newstyle server.");
        }

        greeting = new ServerGreeting((HandshakeFlags)BinaryPrimitives.ReadUInt16BigEndian(source[FlagsOffset..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination[InitPasswordOffset..], NbdMagic.InitPassword);
        BinaryPrimitives.WriteUInt64BigEndian(destination[HaveOptionOffset..], NbdMagic.HaveOption);
        BinaryPrimitives.WriteUInt16BigEndian(destination[FlagsOffset..], (ushort)Flags);
    }
}
