using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>The client's answer to the greeting: 32 bits of client flags.</summary>
internal readonly record struct ClientGreeting(ClientFlags Flags)
{
    public const int Size = 4;
    private const int FlagsOffset = 0;

    public static bool TryRead(ReadOnlySpan<byte> source, out ClientGreeting greeting)
    {
        greeting = default;
        if (source.Length < Size)
        {
            return false;
        }

        greeting = new ClientGreeting((ClientFlags)BinaryPrimitives.ReadUInt32BigEndian(source[FlagsOffset..]));
        return true;
    }
}
