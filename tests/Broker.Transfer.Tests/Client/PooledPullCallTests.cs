using System.Buffers;
using Broker.Contracts.V1;
using Broker.Transfer.Client;
using Google.Protobuf;

namespace Broker.Transfer.Tests.Client;

public sealed class PooledPullCallTests
{
    [Fact]
    public void Parse_MessageSplitAcrossSegments_ReadsTheFieldsAndThePayload()
    {
        var payload = new byte[300_000];
        new Random(5).NextBytes(payload);
        var message = new ChunkData
        {
            Offset = 7L << 20,
            Length = 1 << 20,
            Compression = Compression.Zstd,
            Data = ByteString.CopyFrom(payload),
            Hash = ByteString.CopyFrom(new byte[32]),
        }.ToByteArray();

        using var parsed = PooledPullCall.Parse(Segmented(message, 1000));

        parsed.Offset.ShouldBe(7UL << 20);
        parsed.Length.ShouldBe(1U << 20);
        parsed.Compression.ShouldBe(Compression.Zstd);
        parsed.Data.ToArray().ShouldBe(payload);
    }

    [Fact]
    public void Parse_UnknownFieldsAndARepeatedDataField_SkipsThemAndKeepsTheLastData()
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(4, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFromUtf8("first"));
        output.WriteTag(9, WireFormat.WireType.Fixed64);
        output.WriteFixed64(1);
        output.WriteTag(10, WireFormat.WireType.Fixed32);
        output.WriteFixed32(2);
        output.WriteTag(11, WireFormat.WireType.Varint);
        output.WriteUInt64(ulong.MaxValue);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteUInt64(4096);
        output.WriteTag(4, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFromUtf8("last"));
        output.Flush();

        using var parsed = PooledPullCall.Parse(new ReadOnlySequence<byte>(stream.ToArray()));

        parsed.Offset.ShouldBe(4096UL);
        parsed.Data.ToArray().ShouldBe("last"u8.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void Parse_TruncatedMessage_ThrowsChunkMessageException(int cut)
    {
        var message = new ChunkData { Offset = 1UL << 40, Length = 4096, Data = ByteString.CopyFrom(new byte[200]) }.ToByteArray();

        Should.Throw<ChunkMessageException>(() => PooledPullCall.Parse(new ReadOnlySequence<byte>(message, 0, message.Length - cut)));
    }

    [Fact]
    public void Parse_GroupWireType_ThrowsChunkMessageException() =>
        Should.Throw<ChunkMessageException>(() => PooledPullCall.Parse(new ReadOnlySequence<byte>([(6 << 3) | 3])));

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentLength, bytes.Length)), 0);
        var last = first;
        for (var offset = segmentLength; offset < bytes.Length; offset += segmentLength)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
