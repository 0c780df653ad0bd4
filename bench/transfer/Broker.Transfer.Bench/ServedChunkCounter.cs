using Broker.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.Transfer.Bench;

/// <summary>Counts the chunks (and their uncompressed bytes) each <c>PullChunks</c> call sends and prints <c>served CHUNKS BYTES</c> when it ends, also when the client vanished.</summary>
internal sealed class ServedChunkCounter : Interceptor
{
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var counting = new CountingWriter<TResponse>(responseStream);
        try
        {
            await continuation(requestStream, counting, context);
        }
        finally
        {
            Console.WriteLine($"served {counting.Chunks} {counting.Bytes}");
        }
    }

    private sealed class CountingWriter<T>(IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        public long Chunks { get; private set; }

        public long Bytes { get; private set; }

        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            await inner.WriteAsync(message);
            Count(message);
        }

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(message, cancellationToken);
            Count(message);
        }

        private void Count(T message)
        {
            if (message is ChunkData chunk)
            {
                Chunks++;
                Bytes += chunk.Length;
            }
        }
    }
}
