using System.Buffers.Binary;
using System.Numerics;

namespace Broker.Vhdx.Format;

/// <summary>
/// CRC-32C (Castagnoli) as VHDX uses it: initial value 0xFFFFFFFF, reflected, final inversion.
/// Every checksummed VHDX structure keeps its checksum at offset 4, computed with that field zero.
/// Public so the agents' own durable files (the twin-copy store) use the same fast implementation.
/// </summary>
public static class Crc32C
{
    /// <summary>Offset of the checksum field in every checksummed VHDX structure.</summary>
    public const int ChecksumOffset = 4;

    private const int LaneBytes = 4096;

    private static readonly uint LaneShift = PowerOfX(8L * LaneBytes);

    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFF, data);

    /// <summary>The checksum of a structure as if its 4-byte checksum field (offset 4) were zero.</summary>
    public static uint ComputeStructure(ReadOnlySpan<byte> structure)
    {
        var crc = Append(0xFFFFFFFF, structure[..ChecksumOffset]);
        crc = BitOperations.Crc32C(crc, 0u);
        return ~Append(crc, structure[(ChecksumOffset + 4)..]);
    }

    /// <summary>Computes the checksum of <paramref name="structure"/> and stores it at offset 4.</summary>
    public static void Stamp(Span<byte> structure)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(structure[ChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(structure[ChecksumOffset..], Compute(structure));
    }

    public static bool Verify(ReadOnlySpan<byte> structure) =>
        BinaryPrimitives.ReadUInt32LittleEndian(structure[ChecksumOffset..]) == ComputeStructure(structure);

    /// <summary>Folds <paramref name="data"/> into a running (non-inverted) CRC state.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        // Three independent lanes hide the latency of the crc32 instruction on large inputs; the
        // lanes are recombined by shifting each partial CRC over the bytes that follow it.
        while (data.Length >= 3 * LaneBytes)
        {
            var a = crc;
            var b = 0u;
            var c = 0u;
            var first = data[..LaneBytes];
            var second = data.Slice(LaneBytes, LaneBytes);
            var third = data.Slice(2 * LaneBytes, LaneBytes);
            for (var i = 0; i < LaneBytes; i += 8)
            {
                a = BitOperations.Crc32C(a, BinaryPrimitives.ReadUInt64LittleEndian(first[i..]));
                b = BitOperations.Crc32C(b, BinaryPrimitives.ReadUInt64LittleEndian(second[i..]));
                c = BitOperations.Crc32C(c, BinaryPrimitives.ReadUInt64LittleEndian(third[i..]));
            }

            crc = ShiftLane(ShiftLane(a) ^ b) ^ c;
            data = data[(3 * LaneBytes)..];
        }

        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return crc;
    }

    /// <summary>
    /// The raw CRC state after feeding one lane of zero bytes into <paramref name="crc"/> (no
    /// initial value, no inversion): multiplication by x^(8·LaneBytes) mod P.
    /// </summary>
    private static uint ShiftLane(uint crc) => MultiplyModP(crc, LaneShift);

    private static uint PowerOfX(long bits)
    {
        // x^bits mod P in the reflected representation, by square-and-multiply.
        var result = 0x80000000u; // x^0
        var square = 0x40000000u; // x^1
        while (bits != 0)
        {
            if ((bits & 1) != 0)
            {
                result = MultiplyModP(result, square);
            }

            square = MultiplyModP(square, square);
            bits >>= 1;
        }

        return result;
    }

    private static uint MultiplyModP(uint a, uint b)
    {
        const uint Polynomial = 0x82F63B78;
        var product = 0u;
        for (var bit = 0x80000000u; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }
}
