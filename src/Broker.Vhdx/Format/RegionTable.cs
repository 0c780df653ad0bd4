using System.Buffers.Binary;

namespace Broker.Vhdx.Format;

/// <summary>A 64 KiB region table: 16-byte header, then entries (reference section 4).</summary>
internal sealed class RegionTable
{
    public const int Size = 64 * 1024;
    public const uint Signature = 0x69676572; // "regi"
    public const int SignatureOffset = 0;
    public const int EntryCountOffset = 8;
    public const int HeaderSize = 16;
    public const int MaxEntries = 2047;

    public RegionTable(IReadOnlyList<RegionTableEntry> entries)
    {
        Entries = entries;
    }

    public IReadOnlyList<RegionTableEntry> Entries { get; }

    /// <summary>Parses a table with a valid signature, checksum and entry count; false otherwise.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out RegionTable table)
    {
        table = new RegionTable([]);
        if (source.Length < Size
            || BinaryPrimitives.ReadUInt32LittleEndian(source[SignatureOffset..]) != Signature
            || !Crc32C.Verify(source[..Size]))
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(source[EntryCountOffset..]);
        if (count > MaxEntries)
        {
            return false;
        }

        var entries = new RegionTableEntry[count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = RegionTableEntry.Read(source.Slice(HeaderSize + (i * RegionTableEntry.Size), RegionTableEntry.Size));
        }

        table = new RegionTable(entries);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        var target = destination[..Size];
        target.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(target[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(target[EntryCountOffset..], (uint)Entries.Count);
        for (var i = 0; i < Entries.Count; i++)
        {
            Entries[i].Write(target.Slice(HeaderSize + (i * RegionTableEntry.Size), RegionTableEntry.Size));
        }

        Crc32C.Stamp(target);
    }
}
