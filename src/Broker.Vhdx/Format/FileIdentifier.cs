using System.Buffers.Binary;
using System.Text;

namespace Broker.Vhdx.Format;

/// <summary>The file type identifier at offset 0: signature <c>vhdxfile</c> and a creator string.</summary>
internal readonly record struct FileIdentifier(string Creator)
{
    /// <summary>Bytes covered by signature and creator; the rest of the 64 KiB is reserved zero.</summary>
    public const int Size = 520;

    public const ulong Signature = 0x656C696678646876;
    public const int SignatureOffset = 0;
    public const int CreatorOffset = 8;
    public const int CreatorLength = 512;

    public static bool TryRead(ReadOnlySpan<byte> source, out FileIdentifier identifier)
    {
        identifier = default;
        if (source.Length < Size || BinaryPrimitives.ReadUInt64LittleEndian(source[SignatureOffset..]) != Signature)
        {
            return false;
        }

        var creator = Encoding.Unicode.GetString(source.Slice(CreatorOffset, CreatorLength));
        var end = creator.IndexOf('\0', StringComparison.Ordinal);
        identifier = new FileIdentifier(end < 0 ? creator : creator[..end]);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SignatureOffset..], Signature);
        var creator = Creator.Length > (CreatorLength / 2) - 1 ? Creator[..((CreatorLength / 2) - 1)] : Creator;
        Encoding.Unicode.GetBytes(creator, destination.Slice(CreatorOffset, CreatorLength));
    }
}
