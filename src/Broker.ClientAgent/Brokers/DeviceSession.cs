using System.Threading.Channels;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// The device's one <c>Connect</c> stream to the broker, once enrolled: Hello, then a heartbeat with
/// the local copies at the broker's interval, the queued reports (settled by their acks, re-sent on
/// the next connection when the stream ends first), the live ones (transfer progress, this
/// connection only) and a result for every command. Commands run one at a time off the reading
/// loop, so acks keep flowing while a command waits for one. Reconnects with exponential backoff
/// and jitter; the agent works offline meanwhile.
/// </summary>
internal sealed partial class DeviceSession(
    AgentDesktops desktops,
    IBrokerLink broker,
    ReportOutbox outbox,
    IOptions<ClientAgentOptions> options,
    TimeProvider time,
    ILogger<DeviceSession> logger) : BackgroundService
{
    /// <summary>The heartbeat interval when Welcome names none.</summary>
    private static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var attempt = 0;
        try
        {
            while (true)
            {
                var device = await desktops.Manager.WaitForEnrollmentAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await RunSessionAsync(device, () => attempt = 0, stoppingToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Any failure of the stream (network, broker restart, refusal) ends in a reconnect.
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    LogDisconnected(exception.Message);
                }

                var delay = Backoff.Delay(attempt++, options.Value.ReconnectMinDelay, options.Value.ReconnectMaxDelay, Random.Shared);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Stopping cancels the stream whatever it was doing (the call may end in RpcException Cancelled).
        catch (Exception) when (stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Stopping.
        }
    }

    private async Task RunSessionAsync(DeviceEnrollment device, Action welcomed, CancellationToken stoppingToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var call = broker.Connect(device, session.Token);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = ClientAgentHello.Create() }, session.Token).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(session.Token).ConfigureAwait(false) || call.ResponseStream.Current.Welcome is not { } welcome)
        {
            throw new IOException("The broker did not answer Hello with Welcome.");
        }

        var interval = welcome.HeartbeatInterval?.ToTimeSpan() is { Ticks: > 0 } given ? given : DefaultHeartbeat;
        welcomed();
        LogConnected(device.Server, interval);

        var stream = new SessionStream();
        using var live = outbox.Connect(stream);
        var commands = Channel.CreateUnbounded<AgentCommand>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        stream.Send(new AgentMessage { DeviceHeartbeat = Heartbeat() });
        desktops.Manager.ResumeBrokerWork();
        desktops.Manager.VerifyChainsWhenReachable();
        Task[] tasks =
        [
            WriteAsync(call.RequestStream, stream.Outgoing.Reader, session.Token),
            HeartbeatAsync(interval, stream, session.Token),
            ForwardReportsAsync(stream, session.Token),
            ReadAsync(call.ResponseStream, stream, commands.Writer, session.Token),
            RunCommandsAsync(commands.Reader, stream, session.Token),
        ];
        try
        {
            await (await Task.WhenAny(tasks).ConfigureAwait(false)).ConfigureAwait(false);
            throw new IOException("The broker ended the stream.");
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var unacked in stream.TakeUnacked())
            {
                outbox.Requeue(unacked);
            }
        }
    }

    private DeviceHeartbeat Heartbeat()
    {
        var heartbeat = new DeviceHeartbeat();
        heartbeat.Copies.AddRange(desktops.Manager.LocalCopies());
        return heartbeat;
    }

    private static async Task WriteAsync(IClientStreamWriter<AgentMessage> stream, ChannelReader<AgentMessage> outgoing, CancellationToken cancellationToken)
    {
        await foreach (var message in outgoing.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatAsync(TimeSpan interval, SessionStream stream, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            stream.Send(new AgentMessage { DeviceHeartbeat = Heartbeat() });
        }
    }

    private async Task ForwardReportsAsync(SessionStream stream, CancellationToken cancellationToken)
    {
        while (await outbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (!cancellationToken.IsCancellationRequested && outbox.Reader.TryRead(out var pending))
            {
                stream.Send(pending);
            }
        }
    }

    /// <summary>Acks settle reports; commands queue for <see cref="RunCommandsAsync"/>.</summary>
    private async Task ReadAsync(IAsyncStreamReader<BrokerMessage> incoming, SessionStream stream, ChannelWriter<AgentCommand> commands, CancellationToken cancellationToken)
    {
        while (await incoming.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var message = incoming.Current;
            if (message.Ack is { } ack && stream.Settle(ack) is { } report && !ack.Accepted)
            {
                LogReportRefused(report.Kind, report.DesktopId, ack.Reason, ack.Detail);
            }
            else if (message.Command is { } command)
            {
                _ = commands.TryWrite(command);
            }
        }
    }

    /// <summary>Applies commands in order, each answered with its result and a fresh heartbeat.</summary>
    private async Task RunCommandsAsync(ChannelReader<AgentCommand> commands, SessionStream stream, CancellationToken cancellationToken)
    {
        await foreach (var command in commands.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var result = await desktops.Manager.ApplyAsync(command, cancellationToken).ConfigureAwait(false);
            LogCommand(command.Kind, command.DesktopId, command.Epoch, result.Succeeded, result.Detail);
            stream.Send(new AgentMessage { CommandResult = result });
            stream.Send(new AgentMessage { DeviceHeartbeat = Heartbeat() });
        }
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Connected to the broker at {Server}; heartbeat every {Interval}")]
    private partial void LogConnected(string server, TimeSpan interval);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Broker stream ended: {Reason}; reconnecting")]
    private partial void LogDisconnected(string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "The broker refused report {Kind} of desktop {DesktopId}: {Reason} {Detail}")]
    private partial void LogReportRefused(DesktopReportKind kind, string desktopId, string reason, string detail);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Command {Kind} on desktop {DesktopId} at epoch {Epoch}: succeeded {Succeeded}, {Detail}")]
    private partial void LogCommand(AgentCommandKind kind, string desktopId, ulong epoch, bool succeeded, string detail);
}
