using System.Buffers.Binary;

namespace Broker.HostAgent.Broker;

/// <summary>
/// The broker names layers by UUID, the chain by a positive serial. A layer's UUID is its serial in
/// the last eight bytes under a fixed prefix, so the mapping needs no table and survives restarts.
/// </summary>
internal static class WireLayerIds
{
    private const int Prefix = 0x6c617972; // "layr"

    public static string ToWire(long layerId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layerId, 1);
        Span<byte> serial = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(serial, layerId);
        return new Guid(Prefix, 0, 0, serial.ToArray()).ToString();
    }

    public static bool TryFromWire(string? text, out long layerId)
    {
        layerId = 0;
        if (!Guid.TryParse(text, out var guid))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        _ = guid.TryWriteBytes(bytes);
        if (BinaryPrimitives.ReadInt32LittleEndian(bytes) != Prefix || BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]) != 0)
        {
            return false;
        }

        layerId = BinaryPrimitives.ReadInt64BigEndian(bytes[8..]);
        return layerId >= 1;
    }
}
