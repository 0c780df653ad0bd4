using System.Buffers.Binary;
using Broker.Disks.State;

namespace Broker.Disks.Tests.State;

public sealed class TwinCopyHeaderTests
{
    private static readonly byte[] Payload = [1, 2, 3, 4, 5];

    private static byte[] Written(TwinCopyHeader header)
    {
        var bytes = new byte[TwinCopyHeader.Size];
        header.Write(bytes);
        return bytes;
    }

    [Fact]
    public void TryRead_WrittenHeader_RoundTripsAndMatchesPayload()
    {
        var header = TwinCopyHeader.Create(42, Payload);

        TwinCopyHeader.TryRead(Written(header), 1024, out var read).ShouldBeTrue();

        read.ShouldBe(header);
        read.Sequence.ShouldBe(42ul);
        read.PayloadLength.ShouldBe(Payload.Length);
        read.Matches(Payload).ShouldBeTrue();
    }

    [Fact]
    public void Matches_ChangedPayloadByte_IsFalse()
    {
        var header = TwinCopyHeader.Create(1, Payload);
        byte[] changed = [1, 2, 3, 4, 6];

        header.Matches(changed).ShouldBeFalse();
        header.Matches(Payload.AsSpan(0, 4)).ShouldBeFalse();
    }

    [Fact]
    public void Matches_ChangedSequence_IsFalse()
    {
        var bytes = Written(TwinCopyHeader.Create(7, Payload));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(TwinCopyHeader.SequenceOffset), 8);

        TwinCopyHeader.TryRead(bytes, 1024, out var read).ShouldBeTrue();

        read.Matches(Payload).ShouldBeFalse();
    }

    [Fact]
    public void TryRead_BadSignature_IsFalse()
    {
        var bytes = Written(TwinCopyHeader.Create(1, Payload));
        bytes[TwinCopyHeader.SignatureOffset] ^= 0xFF;

        TwinCopyHeader.TryRead(bytes, 1024, out _).ShouldBeFalse();
    }

    [Fact]
    public void TryRead_LengthOverLimit_IsFalse()
    {
        var bytes = Written(TwinCopyHeader.Create(1, Payload));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(TwinCopyHeader.PayloadLengthOffset), uint.MaxValue);

        TwinCopyHeader.TryRead(bytes, 1024, out _).ShouldBeFalse();
    }

    [Fact]
    public void TryRead_ShortInput_IsFalse()
    {
        var bytes = Written(TwinCopyHeader.Create(1, Payload));

        TwinCopyHeader.TryRead(bytes.AsSpan(0, TwinCopyHeader.Size - 1), 1024, out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_Layout_IsLittleEndianAtTheNamedOffsets()
    {
        var bytes = Written(TwinCopyHeader.Create(0x0102030405060708, Payload));

        bytes[..8].ShouldBe("brkstat1"u8.ToArray());
        BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(TwinCopyHeader.SequenceOffset)).ShouldBe(0x0102030405060708ul);
        BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(TwinCopyHeader.PayloadLengthOffset)).ShouldBe((uint)Payload.Length);
    }
}
