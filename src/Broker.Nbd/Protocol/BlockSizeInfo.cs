using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>NBD_REP_INFO payload of type NBD_INFO_BLOCK_SIZE: minimum, preferred and maximum block size.</summary>
internal readonly record struct BlockSizeInfo(uint Minimum, uint Preferred, uint Maximum)
{
    public const int Size = 14;
    private const int TypeOffset = 0;
    private const int MinimumOffset = 2;
    private const int PreferredOffset = 6;
    private const int MaximumOffset = 10;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[TypeOffset..], (ushort)NbdInfoType.BlockSize);
        BinaryPrimitives.WriteUInt32BigEndian(destination[MinimumOffset..], Minimum);
        BinaryPrimitives.WriteUInt32BigEndian(destination[PreferredOffset..], Preferred);
        BinaryPrimitives.WriteUInt32BigEndian(destination[MaximumOffset..], Maximum);
    }
}
