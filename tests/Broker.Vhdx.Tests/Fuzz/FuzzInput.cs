using System.Buffers.Binary;
using Broker.Testing.Storage;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Fuzz;

/// <summary>
/// The compact encoding of a sparse VHDX image that the fuzzer mutates (a real image is megabytes
/// of mostly zeros): a flags byte, the file length in 512-byte sectors (u32 LE), then segments of
/// sector number (u32 LE), byte count (u16 LE) and the bytes; a truncated segment keeps what is there.
/// </summary>
/// <remarks>
/// With <see cref="FixChecksums"/> set, decoding restamps the CRC-32C of both headers and both
/// region tables at their fixed offsets, so mutations get past the checksums to the parsers behind them.
/// </remarks>
internal static class FuzzInput
{
    public const byte FixChecksums = 1;

    private const int SectorSize = 512;
    private const int PrefixSize = 5;
    private const int SegmentHeaderSize = 6;
    private static readonly (long Offset, int Length)[] ChecksummedStructures =
    [
        (64 * 1024, 4096), (128 * 1024, 4096), (192 * 1024, 64 * 1024), (256 * 1024, 64 * 1024),
    ];

    /// <summary>Writes the image an input describes into <paramref name="storage"/> at <paramref name="path"/>, durably.</summary>
    public static async Task DecodeAsync(ReadOnlyMemory<byte> input, CrashingStorage storage, string path, CancellationToken cancellationToken)
    {
        storage.SetDurableBytes(path, []);
        if (input.Length < PrefixSize)
        {
            return;
        }

        var flags = input.Span[0];
        var length = BinaryPrimitives.ReadUInt32LittleEndian(input.Span[1..]) * (long)SectorSize;
        var file = await storage.OpenAsync(path, StorageOpenMode.OpenReadWrite, cancellationToken);
        await using (file.ConfigureAwait(false))
        {
            await file.SetLengthAsync(length, cancellationToken);
            var position = PrefixSize;
            while (position + SegmentHeaderSize <= input.Length)
            {
                var offset = BinaryPrimitives.ReadUInt32LittleEndian(input.Span[position..]) * (long)SectorSize;
                var count = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(input.Span[(position + 4)..]), input.Length - position - SegmentHeaderSize);
                await file.WriteAsync(offset, input.Slice(position + SegmentHeaderSize, count), cancellationToken);
                position += SegmentHeaderSize + count;
            }

            if ((flags & FixChecksums) != 0)
            {
                foreach (var (offset, size) in ChecksummedStructures)
                {
                    var structure = new byte[size];
                    _ = await file.ReadAsync(offset, structure, cancellationToken);
                    Crc32C.Stamp(structure);
                    await file.WriteAsync(offset + Crc32C.ChecksumOffset, structure.AsMemory(Crc32C.ChecksumOffset, sizeof(uint)), cancellationToken);
                }
            }

            await file.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Encodes a whole file image: every run of non-zero sectors becomes segments.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> image, byte flags = 0)
    {
        using var output = new MemoryStream();
        Span<byte> field = stackalloc byte[sizeof(uint)];
        output.WriteByte(flags);
        BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)((image.Length + SectorSize - 1) / SectorSize));
        output.Write(field);
        var sectors = (image.Length + SectorSize - 1) / SectorSize;
        var sector = 0;
        while (sector < sectors)
        {
            if (!IsNonZero(image, sector))
            {
                sector++;
                continue;
            }

            var first = sector;
            while (sector < sectors && IsNonZero(image, sector) && sector - first < ushort.MaxValue / SectorSize)
            {
                sector++;
            }

            var bytes = image[(first * SectorSize)..Math.Min(image.Length, sector * SectorSize)];
            BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)first);
            output.Write(field);
            BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)bytes.Length);
            output.Write(field[..sizeof(ushort)]);
            output.Write(bytes);
        }

        return output.ToArray();
    }

    private static bool IsNonZero(ReadOnlySpan<byte> image, int sector) =>
        image.Slice(sector * SectorSize, Math.Min(SectorSize, image.Length - (sector * SectorSize))).ContainsAnyExcept((byte)0);
}
