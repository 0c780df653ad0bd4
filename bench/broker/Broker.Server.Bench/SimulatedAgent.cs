using System.Collections.Concurrent;
using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.Server.Bench;

/// <summary>
/// One enrolled agent (host or device) with its Connect stream open: sends messages with fresh
/// sequence numbers and completes each when the broker's <see cref="Ack"/> with that sequence
/// arrives. Commands the broker pushes are counted, not obeyed.
/// </summary>
internal sealed class SimulatedAgent(AgentGateway.AgentGatewayClient client, string id, string credential) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Ack>> _pending = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private AsyncDuplexStreamingCall<AgentMessage, BrokerMessage>? _call;
    private Task _reader = Task.CompletedTask;
    private long _sequence;
    private long _commands;

    public string Id { get; } = id;

    /// <summary>Commands received on the stream so far.</summary>
    public long Commands => Interlocked.Read(ref _commands);

    /// <summary>What this agent sends as its heartbeat (a host's with its desktops, or a device's).</summary>
    public Func<AgentMessage> Heartbeat { get; set; } = () => new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat() };

    /// <summary>Opens the stream: Hello, then waits for Welcome.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _call = client.Connect(new Metadata { { "authorization", $"Bearer {credential}" } }, cancellationToken: cancellationToken);
        await _call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { CapabilityVersion = 1, AgentVersion = "broker-server-bench" } }, cancellationToken);
        if (!await _call.ResponseStream.MoveNext(cancellationToken) || _call.ResponseStream.Current.BodyCase != BrokerMessage.BodyOneofCase.Welcome)
        {
            throw new InvalidOperationException($"Agent {Id} got no Welcome.");
        }

        _reader = Task.Run(ReadAsync, CancellationToken.None);
    }

    /// <summary>Sends <paramref name="message"/> (its sequence is set here) and completes with its Ack.</summary>
    public async Task<Ack> SendAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var call = _call ?? throw new InvalidOperationException("Not connected.");
        message.Sequence = (ulong)Interlocked.Increment(ref _sequence);
        var acked = new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[message.Sequence] = acked;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }

        return await acked.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_call is { } call)
        {
            try
            {
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException)
            {
                // The stream already ended.
            }

            // The broker ends its side once ours is complete; a stuck stream is cut after a while.
            await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(5)));
            call.Dispose();
            await _reader;
        }

        _writeGate.Dispose();
    }

    private async Task ReadAsync()
    {
        var stream = _call!.ResponseStream;
        try
        {
            while (await stream.MoveNext(CancellationToken.None))
            {
                var message = stream.Current;
                if (message.BodyCase == BrokerMessage.BodyOneofCase.Ack && _pending.TryRemove(message.Ack.Sequence, out var acked))
                {
                    acked.TrySetResult(message.Ack);
                }
                else if (message.BodyCase == BrokerMessage.BodyOneofCase.Command)
                {
                    Interlocked.Increment(ref _commands);
                }
            }
        }
        catch (RpcException exception)
        {
            Fail(exception);
            return;
        }
        catch (ObjectDisposedException exception)
        {
            Fail(exception);
            return;
        }

        Fail(new RpcException(new Status(StatusCode.Unavailable, $"Agent {Id}: the broker ended the stream.")));
    }

    private void Fail(Exception exception)
    {
        foreach (var sequence in _pending.Keys)
        {
            if (_pending.TryRemove(sequence, out var acked))
            {
                acked.TrySetException(exception);
            }
        }
    }
}
