using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>The first bytes of a newstyle session: 'NBDMAGIC', 'IHAVEOPT', handshake flags.</summary>
internal readonly record struct ServerGreeting(HandshakeFlags Flags)
{
    public const int Size = 18;
    private const int InitPasswordOffset = 0;
    private const int HaveOptionOffset = 8;
    private const int FlagsOffset = 16;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination[InitPasswordOffset..], NbdMagic.InitPassword);
        BinaryPrimitives.WriteUInt64BigEndian(destination[HaveOptionOffset..], NbdMagic.HaveOption);
        BinaryPrimitives.WriteUInt16BigEndian(destination[FlagsOffset..], (ushort)Flags);
    }
}
