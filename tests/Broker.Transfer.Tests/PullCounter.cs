using Broker.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.Transfer.Tests;

/// <summary>Counts the chunks the host sends, by source kind.</summary>
internal sealed class PullCounter : Interceptor
{
    private int _baseChunks;
    private int _layerChunks;

    public int BaseChunks => Volatile.Read(ref _baseChunks);

    public int LayerChunks => Volatile.Read(ref _layerChunks);

    public void Reset()
    {
        Volatile.Write(ref _baseChunks, 0);
        Volatile.Write(ref _layerChunks, 0);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CountingReader<TRequest>(requestStream, this), responseStream, context);

    private void Count(object request)
    {
        if (request is ChunkRequest chunk)
        {
            _ = chunk.SourceCase == ChunkRequest.SourceOneofCase.BaseContentAddress ? Interlocked.Increment(ref _baseChunks) : Interlocked.Increment(ref _layerChunks);
        }
    }

    private sealed class CountingReader<T>(IAsyncStreamReader<T> inner, PullCounter counter) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken);
            if (more)
            {
                counter.Count(inner.Current!);
            }

            return more;
        }
    }
}
