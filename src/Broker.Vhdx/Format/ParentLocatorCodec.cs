using System.Buffers.Binary;
using System.Text;

namespace Broker.Vhdx.Format;

/// <summary>
/// The parent locator item (reference section 6.1): a 20-byte header, 12-byte key/value entries,
/// then UTF-16LE strings. Returns keys and values in stored order.
/// </summary>
internal static class ParentLocatorCodec
{
    public const int HeaderSize = 20;
    public const int LocatorTypeOffset = 0;
    public const int KeyValueCountOffset = 18;
    public const int EntrySize = 12;
    public const int KeyOffsetOffset = 0;
    public const int ValueOffsetOffset = 4;
    public const int KeyLengthOffset = 8;
    public const int ValueLengthOffset = 10;

    /// <summary>Parses the item; returns an error message instead of throwing so the caller can name the offset.</summary>
    public static string? TryRead(ReadOnlySpan<byte> item, out List<KeyValuePair<string, string>> entries)
    {
        entries = [];
        if (item.Length < HeaderSize)
        {
            return "item shorter than its 20-byte header";
        }

        if (new Guid(item.Slice(LocatorTypeOffset, 16)) != VhdxGuids.VhdxParentLocatorType)
        {
            return "unknown locator type";
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(item[KeyValueCountOffset..]);
        if (HeaderSize + ((long)count * EntrySize) > item.Length)
        {
            return $"{count} entries do not fit in {item.Length} bytes";
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var entry = item.Slice(HeaderSize + (i * EntrySize), EntrySize);
            var key = ReadString(item, BinaryPrimitives.ReadUInt32LittleEndian(entry[KeyOffsetOffset..]), BinaryPrimitives.ReadUInt16LittleEndian(entry[KeyLengthOffset..]));
            var value = ReadString(item, BinaryPrimitives.ReadUInt32LittleEndian(entry[ValueOffsetOffset..]), BinaryPrimitives.ReadUInt16LittleEndian(entry[ValueLengthOffset..]));
            if (key is null || value is null)
            {
                return $"entry {i} has a key or value outside the item, empty or of odd length";
            }

            if (!keys.Add(key))
            {
                return $"duplicate key '{key}'";
            }

            entries.Add(new KeyValuePair<string, string>(key, value));
        }

        return null;
    }

    public static byte[] Write(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var length = HeaderSize + (entries.Count * EntrySize);
        foreach (var (key, value) in entries)
        {
            length += Encoding.Unicode.GetByteCount(key) + Encoding.Unicode.GetByteCount(value);
        }

        var item = new byte[length];
        VhdxGuids.VhdxParentLocatorType.TryWriteBytes(item.AsSpan(LocatorTypeOffset, 16));
        BinaryPrimitives.WriteUInt16LittleEndian(item.AsSpan(KeyValueCountOffset), (ushort)entries.Count);
        var position = HeaderSize + (entries.Count * EntrySize);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = item.AsSpan(HeaderSize + (i * EntrySize), EntrySize);
            var keyLength = Encoding.Unicode.GetBytes(entries[i].Key, item.AsSpan(position));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[KeyOffsetOffset..], (uint)position);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[KeyLengthOffset..], (ushort)keyLength);
            position += keyLength;
            var valueLength = Encoding.Unicode.GetBytes(entries[i].Value, item.AsSpan(position));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[ValueOffsetOffset..], (uint)position);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[ValueLengthOffset..], (ushort)valueLength);
            position += valueLength;
        }

        return item;
    }

    private static string? ReadString(ReadOnlySpan<byte> item, uint offset, ushort length)
    {
        if (offset == 0 || length == 0 || length % 2 != 0 || offset + (long)length > item.Length)
        {
            return null;
        }

        return Encoding.Unicode.GetString(item.Slice((int)offset, length));
    }
}
