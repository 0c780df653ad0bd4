using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>
/// The answer to NBD_OPT_EXPORT_NAME: export size and transmission flags, followed by
/// <see cref="PaddingSize"/> zero bytes unless the client negotiated NBD_FLAG_C_NO_ZEROES.
/// </summary>
internal readonly record struct ExportNameReply(ulong ExportSize, TransmissionFlags Flags)
{
    public const int Size = 10;
    public const int PaddingSize = 124;
    private const int ExportSizeOffset = 0;
    private const int FlagsOffset = 8;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination[ExportSizeOffset..], ExportSize);
        BinaryPrimitives.WriteUInt16BigEndian(destination[FlagsOffset..], (ushort)Flags);
    }
}
