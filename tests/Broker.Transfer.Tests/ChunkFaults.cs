using Broker.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.Transfer.Tests;

/// <summary>
/// Breaks <c>PullChunks</c> on purpose: flips a byte in the data of the first
/// <see cref="CorruptFirst"/> chunks sent, and aborts the connection of the first call after
/// <see cref="AbortAfter"/> chunks. Counts the chunks sent. For <c>PushLayer</c>: counts the chunks
/// received and fails the request stream of the first push after <see cref="AbortPushAfter"/> of them,
/// and runs <see cref="BeforePushCommit"/> before the service reads a push's commit message.
/// </summary>
internal sealed class ChunkFaults : Interceptor
{
    private int _sent;
    private int _corrupted;
    private int _aborted;
    private int _pushed;
    private int _pushAborted;

    public int CorruptFirst { get; init; }

    public int AbortAfter { get; init; } = int.MaxValue;

    public int AbortPushAfter { get; init; } = int.MaxValue;

    /// <summary>Runs when a push's commit message arrives, before the service sees it (e.g. a revoke landing late in a push).</summary>
    public Action? BeforePushCommit { get; set; }

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Push chunks the service received.</summary>
    public int Pushed => Volatile.Read(ref _pushed);

    public void ResetCount()
    {
        Volatile.Write(ref _sent, 0);
        Volatile.Write(ref _pushed, 0);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CuttingReader<TRequest>(requestStream, this), context);

    private void CountPushed(object? message)
    {
        if (message is PushMessage { KindCase: PushMessage.KindOneofCase.Commit })
        {
            BeforePushCommit?.Invoke();
        }

        if (message is not PushMessage { KindCase: PushMessage.KindOneofCase.Chunk })
        {
            return;
        }

        if (Interlocked.Increment(ref _pushed) > AbortPushAfter && Interlocked.Exchange(ref _pushAborted, 1) == 0)
        {
            // The service sees its request stream fail mid-push; the client gets UNAVAILABLE.
            throw new RpcException(new Status(StatusCode.Unavailable, "Connection cut by the test."));
        }
    }

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

    private sealed class CuttingReader<T>(IAsyncStreamReader<T> inner, ChunkFaults faults) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken);
            if (more)
            {
                faults.CountPushed(inner.Current);
            }

            return more;
        }
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
