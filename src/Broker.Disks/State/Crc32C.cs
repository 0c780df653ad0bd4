using System.Buffers.Binary;
using System.Numerics;

namespace Broker.Disks.State;

/// <summary>CRC-32C (Castagnoli), as iSCSI and VHDX use it: initial value and final XOR all ones.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    public const uint Start = uint.MaxValue;

    /// <summary>Continues a running CRC (begun with <see cref="Start"/>) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return crc;
    }

    public static uint Finish(uint crc) => ~crc;
}
