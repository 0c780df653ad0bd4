using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.Server.Tests.Agents;

/// <summary>One agent's Connect stream: numbers what it sends and keeps commands that arrive while it waits for an ack.</summary>
internal sealed class AgentStream((AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> Call, Welcome Welcome) connected)
{
    private readonly List<Contracts.V1.AgentCommand> _pending = [];
    private ulong _sequence;

    public AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> Call { get; } = connected.Call;

    public async Task<Ack> SendAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        message.Sequence = ++_sequence;
        await Call.RequestStream.WriteAsync(message, cancellationToken);
        var (ack, commands) = await AgentWorld.AckAsync(Call, message.Sequence, cancellationToken);
        _pending.AddRange(commands);
        return ack;
    }

    public Task<Ack> ReportAsync(Guid desktop, ulong epoch, DesktopReportKind kind, string layer, CancellationToken cancellationToken) =>
        SendAsync(new AgentMessage { DesktopReport = new DesktopReport { DesktopId = desktop.ToString(), Epoch = epoch, Kind = kind, LayerId = layer } }, cancellationToken);

    /// <summary>As a host that carried out SERVE_TRANSFER: a heartbeat showing <paramref name="desktop"/> locked and served to <paramref name="device"/>.</summary>
    public Task<Ack> HeartbeatServingAsync(Guid desktop, ulong epoch, Guid device, string transferAddress, CancellationToken cancellationToken)
    {
        var heartbeat = new HostHeartbeat { Healthy = true, TransferAddress = transferAddress };
        heartbeat.Desktops.Add(new ObservedDesktop { DesktopId = desktop.ToString(), Epoch = epoch, Locked = true, ServingDevice = device.ToString() });
        return SendAsync(new AgentMessage { HostHeartbeat = heartbeat }, cancellationToken);
    }

    /// <summary>The first command of <paramref name="kind"/>: one that came while waiting for an ack, else the next on the stream.</summary>
    public async Task<Contracts.V1.AgentCommand> CommandAsync(AgentCommandKind kind, CancellationToken cancellationToken)
    {
        var index = _pending.FindIndex(command => command.Kind == kind);
        if (index < 0)
        {
            return await AgentWorld.CommandAsync(Call, kind, cancellationToken);
        }

        var command = _pending[index];
        _pending.RemoveRange(0, index + 1);
        return command;
    }

    /// <summary>The first command of <paramref name="kind"/> about <paramref name="desktop"/>; those about other desktops are passed over.</summary>
    public async Task<Contracts.V1.AgentCommand> CommandAsync(AgentCommandKind kind, Guid desktop, CancellationToken cancellationToken)
    {
        while (true)
        {
            var command = await CommandAsync(kind, cancellationToken);
            if (command.DesktopId == desktop.ToString())
            {
                return command;
            }
        }
    }
}
