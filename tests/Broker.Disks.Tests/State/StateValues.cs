using System.Buffers.Binary;

namespace Broker.Disks.Tests.State;

/// <summary>Distinct, recognisable test values: the bytes depend on both a tag and the length.</summary>
internal static class StateValues
{
    public static byte[] Make(int tag, int length)
    {
        var bytes = new byte[length];
        for (var index = 0; index < length; index++)
        {
            bytes[index] = (byte)((tag * 31) + (index * 7) + (index >> 8));
        }

        return bytes;
    }

    public static byte[] Counter(long value)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    public static long ReadCounter(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? 0 : BinaryPrimitives.ReadInt64LittleEndian(bytes.Span);
}
