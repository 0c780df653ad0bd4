using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>The 32-byte header of the metadata table (reference section 5.1).</summary>
internal readonly record struct MetadataTableHeader(ushort EntryCount)
{
    public const int Size = 32;
    public const int TableSize = 64 * 1024;
    public const ulong Signature = 0x617461646174656D; // "metadata"
    public const int SignatureOffset = 0;
    public const int EntryCountOffset = 10;
    public const int MaxEntries = 2047;

    public static bool TryRead(ReadOnlySpan<byte> source, out MetadataTableHeader header)
    {
        header = default;
        if (source.Length < Size || BinaryPrimitives.ReadUInt64LittleEndian(source[SignatureOffset..]) != Signature)
        {
            return false;
        }

        header = new MetadataTableHeader(BinaryPrimitives.ReadUInt16LittleEndian(source[EntryCountOffset..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[EntryCountOffset..], EntryCount);
    }
}
