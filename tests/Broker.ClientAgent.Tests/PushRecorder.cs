using Broker.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.ClientAgent.Tests;

/// <summary>Records every push the stand-in host answered successfully: its header and the host's result.</summary>
internal sealed class PushRecorder : Interceptor
{
    private readonly Lock _gate = new();
    private readonly List<(PushHeader Header, PushResult Result)> _pushes = [];

    /// <summary>The pushes answered so far, in order.</summary>
    public IReadOnlyList<(PushHeader Header, PushResult Result)> Pushes
    {
        get
        {
            lock (_gate)
            {
                return [.. _pushes];
            }
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var reader = new HeaderCapture<TRequest>(requestStream);
        var response = await continuation(reader, context);
        if (reader.Header is { } header && response is PushResult result)
        {
            lock (_gate)
            {
                _pushes.Add((header, result));
            }
        }

        return response;
    }

    /// <summary>Passes the request stream through, keeping the push header it carries.</summary>
    private sealed class HeaderCapture<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public PushHeader? Header { get; private set; }

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken);
            if (moved && inner.Current is PushMessage { Header: { } header })
            {
                Header = header;
            }

            return moved;
        }
    }
}
