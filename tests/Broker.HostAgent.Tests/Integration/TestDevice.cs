using System.Collections.Concurrent;
using System.Threading.Channels;
using Broker.Contracts;
using Broker.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// A user's device played over raw gRPC: enrolled through the gateway by the user's login, with one
/// <c>Connect</c> stream on which it sends reports (each awaited until the broker acks it) and reads
/// the broker's commands. A background reader sorts what arrives into acks and commands.
/// </summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Ack>> _acks = new();
    private readonly Channel<AgentCommand> _commands = Channel.CreateUnbounded<AgentCommand>();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private Task _reading = Task.CompletedTask;
    private ulong _sequence;

    private TestDevice(GrpcChannel channel, AgentGateway.AgentGatewayClient gateway, string id, Metadata credential)
    {
        _channel = channel;
        Gateway = gateway;
        Id = id;
        Credential = credential;
        _stream = gateway.Connect(credential, cancellationToken: _stop.Token);
    }

    /// <summary>The device id the broker gave it.</summary>
    public string Id { get; }

    /// <summary>The gateway, for the device's unary calls (with <see cref="Credential"/>).</summary>
    public AgentGateway.AgentGatewayClient Gateway { get; }

    /// <summary>The <c>authorization</c> metadata of the device's credential.</summary>
    public Metadata Credential { get; }

    /// <summary>Enrolls a device of <paramref name="userName"/> at the broker behind <paramref name="handler"/> and opens its stream (Hello, Welcome, a heartbeat).</summary>
    public static async Task<TestDevice> EnrollAsync(Uri server, HttpMessageHandler handler, string userName, string password, CancellationToken cancellationToken)
    {
        var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        var gateway = new AgentGateway.AgentGatewayClient(channel);
        var enrolled = await gateway.EnrollAsync(
            new EnrollRequest { Kind = AgentKind.Device, UserLogin = new UserLogin { UserName = userName, Password = password }, Name = "laptop", Hello = Hello() },
            cancellationToken: cancellationToken);
        var device = new TestDevice(channel, gateway, enrolled.AgentId, new Metadata { { "authorization", "Bearer " + enrolled.Credential } });
        await device.ConnectAsync(cancellationToken);
        return device;
    }

    /// <summary>Reports <paramref name="kind"/> of <paramref name="desktopId"/> at <paramref name="epoch"/> and returns the broker's ack.</summary>
    public Task<Ack> ReportAsync(string desktopId, ulong epoch, DesktopReportKind kind, CancellationToken cancellationToken) =>
        SendAsync(new AgentMessage { DesktopReport = new DesktopReport { DesktopId = desktopId, Epoch = epoch, Kind = kind } }, cancellationToken);

    /// <summary>The next command of <paramref name="kind"/> (others before it are passed over); fails when none comes within <see cref="HostAgentWorld.WaitLimit"/>.</summary>
    public async Task<AgentCommand> CommandAsync(AgentCommandKind kind, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(HostAgentWorld.WaitLimit);
        try
        {
            await foreach (var command in _commands.Reader.ReadAllAsync(limit.Token))
            {
                if (command.Kind == kind)
                {
                    return command;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {HostAgentWorld.WaitLimit} for the broker to send the device {kind}.");
        }

        throw new IOException($"The broker ended the device's stream before sending {kind}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (RpcException cancelled) when (cancelled.StatusCode == StatusCode.Cancelled)
        {
        }
        catch (OperationCanceledException)
        {
        }

        _stream.Dispose();
        _channel.Dispose();
        _stop.Dispose();
        _writing.Dispose();
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _stream.RequestStream.WriteAsync(new AgentMessage { Hello = Hello() }, cancellationToken);
        (await _stream.ResponseStream.MoveNext(cancellationToken)).ShouldBeTrue("the broker answers Hello");
        _stream.ResponseStream.Current.BodyCase.ShouldBe(BrokerMessage.BodyOneofCase.Welcome);
        _reading = ReadAsync();
        (await SendAsync(new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat() }, cancellationToken)).Accepted.ShouldBeTrue();
    }

    private async Task<Ack> SendAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var answered = new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            message.Sequence = ++_sequence;
            _acks[message.Sequence] = answered;
            await _stream.RequestStream.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _ = _writing.Release();
        }

        return await answered.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _stream.ResponseStream.ReadAllAsync(_stop.Token))
            {
                if (message.BodyCase == BrokerMessage.BodyOneofCase.Ack && _acks.TryRemove(message.Ack.Sequence, out var answered))
                {
                    answered.SetResult(message.Ack);
                }
                else if (message.BodyCase == BrokerMessage.BodyOneofCase.Command)
                {
                    _ = _commands.Writer.TryWrite(message.Command);
                }
            }
        }
        finally
        {
            _ = _commands.Writer.TryComplete();
            foreach (var waiting in _acks.Values)
            {
                _ = waiting.TrySetException(new IOException("The broker ended the device's stream."));
            }
        }
    }

    private static Hello Hello() => new() { CapabilityVersion = ContractVersion.Capability, AgentVersion = "test-device" };
}
