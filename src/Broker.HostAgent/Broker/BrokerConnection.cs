using System.Net;
using System.Threading.Channels;
using Broker.Contracts;
using Broker.Contracts.V1;
using Broker.HostAgent.Desktops;
using Broker.HostAgent.Enrollment;
using Broker.HostAgent.Images;
using Broker.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.HostAgent.Broker;

/// <summary>
/// The one <c>Connect</c> stream to the broker: Hello, then heartbeats at the broker's interval
/// (health, free space, running VMs, the transfer endpoint's address, every desktop's observed
/// state and epoch), the manager's reports (re-sent after a reconnect until the broker acks them)
/// and a result for every command. Reconnects with exponential backoff and jitter.
/// </summary>
internal sealed partial class BrokerConnection(
    HostIdentity identity,
    DesktopManager desktops,
    ImageFetcher images,
    BrokerHandler handler,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<HostAgentOptions> options,
    TimeProvider time,
    ILogger<BrokerConnection> logger) : BackgroundService
{
    private readonly List<DesktopReport> _unacked = [];

    private string _transferAddress = string.Empty;

    /// <summary>True while a stream is open and welcomed.</summary>
    public bool Connected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The transfer endpoint's port is known only once Kestrel listens (TransferPort 0 picks one).
        if (!await StartedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        _transferAddress = TransferAddress.Advertised(options.Value, bound, Dns.GetHostName());
        LogTransferAddress(logger, _transferAddress);
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(() => attempt = 0, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of the stream (network, broker restart, refusal) ends in a reconnect.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogDisconnected(logger, BrokerChannels.Describe(exception, identity.BrokerPin));
            }
            finally
            {
                Connected = false;
            }

            var delay = Backoff.Delay(attempt++, options.Value.ReconnectMinDelay, options.Value.ReconnectMaxDelay, Random.Shared);
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunSessionAsync(Action welcomed, CancellationToken stoppingToken)
    {
        using var channel = BrokerChannels.Create(identity.Server, handler.Handler);
        var client = new AgentGateway.AgentGatewayClient(channel);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var call = client.Connect(new Metadata { { "authorization", "Bearer " + identity.Credential } }, cancellationToken: session.Token);
        var outbox = Channel.CreateUnbounded<AgentMessage>(new UnboundedChannelOptions { SingleReader = true });
        var sequence = 0UL;
        var inFlight = new Dictionary<ulong, DesktopReport>();
        var gate = new object();

        void Send(AgentMessage message)
        {
            lock (gate)
            {
                message.Sequence = ++sequence;
                if (message.BodyCase == AgentMessage.BodyOneofCase.DesktopReport)
                {
                    inFlight[message.Sequence] = message.DesktopReport;
                }

                outbox.Writer.TryWrite(message);
            }
        }

        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { CapabilityVersion = ContractVersion.Capability, AgentVersion = HostAgentVersion.Text } }, session.Token).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(session.Token).ConfigureAwait(false) || call.ResponseStream.Current.BodyCase != BrokerMessage.BodyOneofCase.Welcome)
        {
            throw new IOException("The broker did not answer Hello with Welcome.");
        }

        var interval = call.ResponseStream.Current.Welcome.HeartbeatInterval?.ToTimeSpan() is { Ticks: > 0 } given ? given : TimeSpan.FromSeconds(30);
        Connected = true;
        welcomed();
        LogConnected(logger, identity.Server, interval);

        Send(new AgentMessage { HostHeartbeat = Heartbeat() });
        lock (_unacked)
        {
            foreach (var report in _unacked)
            {
                Send(new AgentMessage { DesktopReport = report });
            }

            _unacked.Clear();
        }

        var tasks = new List<Task>
        {
            WriteAsync(call.RequestStream, outbox.Reader, session.Token),
            HeartbeatAsync(interval, Send, session.Token),
            ForwardReportsAsync(Send, session.Token),
            ReadAsync(call.ResponseStream, Send, inFlight, gate, session.Token),
        };
        try
        {
            var ended = await Task.WhenAny(tasks).ConfigureAwait(false);
            await ended.ConfigureAwait(false);
            throw new IOException("The broker ended the stream.");
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks.Select(task => task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default))).ConfigureAwait(false);
            lock (gate)
            {
                lock (_unacked)
                {
                    _unacked.AddRange(inFlight.OrderBy(pair => pair.Key).Select(pair => pair.Value));
                }
            }
        }
    }

    /// <summary>Waits until the application (Kestrel included) started; false when it is stopping instead.</summary>
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult(true));
        using var onStopping = stoppingToken.Register(() => started.TrySetResult(false));
        return await started.Task.ConfigureAwait(false);
    }

    private HostHeartbeat Heartbeat()
    {
        var heartbeat = new HostHeartbeat
        {
            Healthy = desktops.Unhealthy is null,
            TransferAddress = _transferAddress,
            FreeBytes = (ulong)Math.Max(desktops.FreeBytes, 0),
            RunningVms = (uint)desktops.RunningVms,
        };
        heartbeat.Desktops.AddRange(desktops.Observe());
        return heartbeat;
    }

    private static async Task WriteAsync(IClientStreamWriter<AgentMessage> stream, ChannelReader<AgentMessage> outbox, CancellationToken cancellationToken)
    {
        await foreach (var message in outbox.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatAsync(TimeSpan interval, Action<AgentMessage> send, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            send(new AgentMessage { HostHeartbeat = Heartbeat() });
        }
    }

    private async Task ForwardReportsAsync(Action<AgentMessage> send, CancellationToken cancellationToken)
    {
        await foreach (var report in desktops.Reports.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            send(new AgentMessage { DesktopReport = report });
        }
    }

    /// <summary>
    /// Acks settle reports (the manager hears of the accepted ones); desktop commands run one at a
    /// time, each answered with its result and a fresh heartbeat; image imports run beside them.
    /// </summary>
    private async Task ReadAsync(IAsyncStreamReader<BrokerMessage> stream, Action<AgentMessage> send, Dictionary<ulong, DesktopReport> inFlight, object gate, CancellationToken cancellationToken)
    {
        while (await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var message = stream.Current;
            switch (message.BodyCase)
            {
                case BrokerMessage.BodyOneofCase.Ack:
                    DesktopReport? settled;
                    lock (gate)
                    {
                        _ = inFlight.Remove(message.Ack.Sequence, out settled);
                    }

                    if (settled is not null && !message.Ack.Accepted)
                    {
                        LogReportRefused(logger, settled.Kind, settled.DesktopId, message.Ack.Reason, message.Ack.Detail);
                    }
                    else if (settled is not null)
                    {
                        await desktops.OnReportAcknowledgedAsync(settled, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case BrokerMessage.BodyOneofCase.Command:
                    var command = message.Command;
                    if (command.Kind == AgentCommandKind.ImportImage)
                    {
                        _ = AnswerWhenImportedAsync(command, images.ImportAsync(command), send);
                        break;
                    }

                    Answer(command, await desktops.ApplyAsync(command, cancellationToken).ConfigureAwait(false), send);
                    break;
                default:
                    break;
            }
        }
    }

    private void Answer(AgentCommand command, CommandOutcome outcome, Action<AgentMessage> send)
    {
        send(new AgentMessage { CommandResult = new CommandResult { CommandId = command.CommandId, Succeeded = outcome.Succeeded, Detail = outcome.Detail } });
        send(new AgentMessage { HostHeartbeat = Heartbeat() });
    }

    /// <summary>Answers an IMPORT_IMAGE once its import (in the background, beside the other commands) ends; on the stream that asked, if it still stands.</summary>
    private async Task AnswerWhenImportedAsync(AgentCommand command, Task<CommandOutcome> import, Action<AgentMessage> send)
    {
        try
        {
            Answer(command, await import.ConfigureAwait(false), send);
        }
        catch (OperationCanceledException)
        {
            // The agent is stopping: the broker offers the image again to the next run.
        }
#pragma warning disable CA1031 // An import that failed unexpectedly is answered as refused, not left to crash the stream.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogImportFailed(logger, exception, command.ImageId);
            Answer(command, CommandOutcome.Refused($"Image {command.ImageId} could not be imported: {exception.Message}"), send);
        }
    }

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error, Message = "Import of image {ImageId} failed")]
    private static partial void LogImportFailed(ILogger logger, Exception exception, string imageId);

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Connected to the broker at {Server}; heartbeat every {Interval}")]
    private static partial void LogConnected(ILogger logger, Uri server, TimeSpan interval);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Broker stream ended: {Reason}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "The broker refused report {Kind} of desktop {DesktopId}: {Reason} {Detail}")]
    private static partial void LogReportRefused(ILogger logger, DesktopReportKind kind, string desktopId, string reason, string detail);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Advertising the transfer endpoint as {TransferAddress}")]
    private static partial void LogTransferAddress(ILogger logger, string transferAddress);
}
