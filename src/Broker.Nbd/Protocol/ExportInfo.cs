using System.Buffers.Binary;

namespace Broker.Nbd.Protocol;

/// <summary>NBD_REP_INFO payload of type NBD_INFO_EXPORT: info type, export size, transmission flags.</summary>
internal readonly record struct ExportInfo(ulong ExportSize, TransmissionFlags Flags)
{
    public const int Size = 12;
    private const int TypeOffset = 0;
    private const int ExportSizeOffset = 2;
    private const int FlagsOffset = 10;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[TypeOffset..], (ushort)NbdInfoType.Export);
        BinaryPrimitives.WriteUInt64BigEndian(destination[ExportSizeOffset..], ExportSize);
        BinaryPrimitives.WriteUInt16BigEndian(destination[FlagsOffset..], (ushort)Flags);
    }
}
