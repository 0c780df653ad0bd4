using Broker.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.Transfer.Tests;

/// <summary>
/// Breaks <c>PullChunks</c> on purpose: flips a byte in the data of the first
/// <see cref="CorruptFirst"/> chunks sent, and aborts the connection of the first call after
/// <see cref="AbortAfter"/> chunks. Counts the chunks sent.
/// </summary>
internal sealed class ChunkFaults : Interceptor
{
    private int _sent;
    private int _corrupted;
    private int _aborted;

    public int CorruptFirst { get; init; }

    public int AbortAfter { get; init; } = int.MaxValue;

    public int Sent => Volatile.Read(ref _sent);

    public void ResetCount() => Volatile.Write(ref _sent, 0);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(requestStream, new FaultyWriter<TResponse>(responseStream, context, this), context);

    private TResponse Intercept<TResponse>(TResponse response, ServerCallContext context)
    {
        var sent = Interlocked.Increment(ref _sent);
        if (sent > AbortAfter && Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            context.GetHttpContext().Abort();
            throw new IOException("Connection cut by the test.");
        }

        if (response is ChunkData chunk && Interlocked.Increment(ref _corrupted) <= CorruptFirst)
        {
            var bytes = chunk.Data.ToByteArray();
            bytes[bytes.Length / 2] ^= 0x40;
            var damaged = chunk.Clone();
            damaged.Data = ByteString.CopyFrom(bytes);
            return (TResponse)(object)damaged;
        }

        return response;
    }

    private sealed class FaultyWriter<T>(IServerStreamWriter<T> inner, ServerCallContext context, ChunkFaults faults) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => inner.WriteAsync(faults.Intercept(message, context));

        public Task WriteAsync(T message, CancellationToken cancellationToken) => inner.WriteAsync(faults.Intercept(message, context), cancellationToken);
    }
}
