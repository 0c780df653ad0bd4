using System.Buffers.Binary;
using System.Text;

namespace Broker.Nbd.Protocol;

/// <summary>
/// The data of NBD_OPT_INFO and NBD_OPT_GO: 32-bit name length, name, 16-bit item count, 16-bit
/// information types.
/// </summary>
internal sealed record InfoRequest(string ExportName, IReadOnlyList<NbdInfoType> Items)
{
    /// <summary>The longest export name NBD allows, in bytes.</summary>
    public const int MaxNameLength = 4096;

    private const int NameLengthOffset = 0;
    private const int NameOffset = 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public int Size => NameOffset + StrictUtf8.GetByteCount(ExportName) + 2 + (2 * Items.Count);

    /// <summary>Parses the whole option data; false when it is shorter than its own lengths claim.</summary>
    /// <exception cref="NbdProtocolException">A length is inconsistent or the name is not valid UTF-8.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out InfoRequest? request)
    {
        request = null;
        if (source.Length < NameOffset + 2)
        {
            return false;
        }

        var nameLength = BinaryPrimitives.ReadUInt32BigEndian(source[NameLengthOffset..]);
        if (nameLength > MaxNameLength || nameLength > (uint)(source.Length - NameOffset - 2))
        {
            throw new NbdProtocolException(nameof(InfoRequest), NameLengthOffset, $"name length {nameLength} does not fit the option data.");
        }

        var name = ReadName(source.Slice(NameOffset, (int)nameLength), NameOffset);
        var countOffset = NameOffset + (int)nameLength;
        int count = BinaryPrimitives.ReadUInt16BigEndian(source[countOffset..]);
        var itemsOffset = countOffset + 2;
        if (source.Length - itemsOffset != 2 * count)
        {
            throw new NbdProtocolException(nameof(InfoRequest), countOffset, $"{count} information requests do not match the option length.");
        }

        var items = new NbdInfoType[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = (NbdInfoType)BinaryPrimitives.ReadUInt16BigEndian(source[(itemsOffset + (2 * i))..]);
        }

        request = new InfoRequest(name, items);
        return true;
    }

    /// <summary>Decodes an export name, refusing invalid UTF-8 and NUL as the protocol requires.</summary>
    public static string ReadName(ReadOnlySpan<byte> bytes, int offset)
    {
        if (bytes.Contains((byte)0))
        {
            throw new NbdProtocolException("export name", offset, "contains NUL.");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new NbdProtocolException("export name", offset, "is not valid UTF-8.");
        }
    }

    public void Write(Span<byte> destination)
    {
        var nameLength = StrictUtf8.GetBytes(ExportName, destination[NameOffset..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[NameLengthOffset..], (uint)nameLength);
        var countOffset = NameOffset + nameLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination[countOffset..], (ushort)Items.Count);
        for (var i = 0; i < Items.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(countOffset + 2 + (2 * i))..], (ushort)Items[i]);
        }
    }
}
