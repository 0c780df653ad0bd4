using System.Buffers;
using Broker.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Broker.Transfer.Client;

/// <summary>
/// <c>DiskTransfer.PullChunks</c> as the puller calls it: the same method on the wire, but each
/// response is parsed straight from gRPC's receive buffer into a <see cref="PooledChunkData"/>
/// (its payload copied once into a pooled array) rather than into a <see cref="ChunkData"/> with a
/// new <c>ByteString</c>. The response's hash field is skipped: the puller verifies against the
/// manifest. Malformed messages fail the call (<see cref="ChunkMessageException"/>).
/// </summary>
internal static class PooledPullCall
{
    private const int OffsetTag = (1 << 3) | WireVarint;
    private const int LengthTag = (2 << 3) | WireVarint;
    private const int CompressionTag = (3 << 3) | WireVarint;
    private const int DataTag = (4 << 3) | WireLengthDelimited;
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private static readonly Method<ChunkRequest, PooledChunkData> Method = new(
        MethodType.DuplexStreaming,
        DiskTransfer.Descriptor.FullName,
        nameof(DiskTransfer.DiskTransferClient.PullChunks),
        Marshallers.Create(static (ChunkRequest request) => request.ToByteArray(), ChunkRequest.Parser.ParseFrom),
        Marshallers.Create<PooledChunkData>(static (_, _) => throw new NotSupportedException("The puller only receives chunk data."), static context => Parse(context.PayloadAsReadOnlySequence())));

    /// <summary>Starts a <c>PullChunks</c> call on <paramref name="invoker"/>.</summary>
    public static AsyncDuplexStreamingCall<ChunkRequest, PooledChunkData> Start(CallInvoker invoker, CallOptions options) =>
        invoker.AsyncDuplexStreamingCall(Method, null, options);

    /// <summary>Parses one serialized <see cref="ChunkData"/>; the caller disposes the result.</summary>
    /// <exception cref="ChunkMessageException">The bytes are not a well-formed message.</exception>
    internal static PooledChunkData Parse(ReadOnlySequence<byte> message)
    {
        var reader = new SequenceReader<byte>(message);
        var chunk = new PooledChunkData();
        try
        {
            while (!reader.End)
            {
                var tag = ReadVarint(ref reader);
                switch (tag)
                {
                    case OffsetTag:
                        chunk.Offset = ReadVarint(ref reader);
                        break;
                    case LengthTag:
                        chunk.Length = (uint)ReadVarint(ref reader);
                        break;
                    case CompressionTag:
                        chunk.Compression = (Compression)(int)ReadVarint(ref reader);
                        break;
                    case DataTag:
                        chunk.SetData(ReadLengthDelimited(ref reader));
                        break;
                    default:
                        Skip(ref reader, (int)(tag & 7));
                        break;
                }
            }

            return chunk;
        }
        catch
        {
            chunk.Dispose();
            throw;
        }
    }

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out var next))
            {
                throw new ChunkMessageException("a varint runs past the end of the message");
            }

            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }

        throw new ChunkMessageException("a varint is longer than 10 bytes");
    }

    private static ReadOnlySequence<byte> ReadLengthDelimited(ref SequenceReader<byte> reader)
    {
        var length = ReadVarint(ref reader);
        if (length > (ulong)reader.Remaining)
        {
            throw new ChunkMessageException("a field runs past the end of the message");
        }

        var field = reader.UnreadSequence.Slice(0, (long)length);
        reader.Advance((long)length);
        return field;
    }

    private static void Skip(ref SequenceReader<byte> reader, int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                _ = ReadVarint(ref reader);
                break;
            case WireLengthDelimited:
                _ = ReadLengthDelimited(ref reader);
                break;
            case WireFixed64 or WireFixed32:
                var length = wireType == WireFixed64 ? 8 : 4;
                if (reader.Remaining < length)
                {
                    throw new ChunkMessageException("a field runs past the end of the message");
                }

                reader.Advance(length);
                break;
            default:
                throw new ChunkMessageException($"wire type {wireType} is not one this message can hold");
        }
    }
}
