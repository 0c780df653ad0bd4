using Broker.Contracts.V1;
using Broker.Core.Reconciliation;

namespace Broker.Server.Agents;

/// <summary>
/// Handles what an agent sends on its stream after Hello: heartbeats are recorded at once (last seen,
/// health) and kept for the reconcile loop; desktop reports go to the state machine; every message
/// gets an <see cref="Ack"/> with its sequence number.
/// </summary>
internal sealed class AgentMessageHandler(AgentIdentity agent, AgentSession session, IServiceProvider services, TimeProvider time)
{
    public async Task<Ack> HandleAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var refusal = message.BodyCase switch
        {
            AgentMessage.BodyOneofCase.HostHeartbeat => await HostHeartbeatAsync(message.HostHeartbeat, cancellationToken),
            AgentMessage.BodyOneofCase.DeviceHeartbeat => await DeviceHeartbeatAsync(message.DeviceHeartbeat, cancellationToken),
            AgentMessage.BodyOneofCase.DesktopReport => await services.GetRequiredService<AgentDesktopReports>().ApplyAsync(agent, message.DesktopReport, cancellationToken),
            AgentMessage.BodyOneofCase.CommandResult or AgentMessage.BodyOneofCase.Hello => null,
            _ => AgentRefusal.Malformed("The message has no body."),
        };
        return new Ack
        {
            Sequence = message.Sequence,
            Accepted = refusal is null,
            Reason = refusal?.Reason ?? string.Empty,
            Detail = refusal?.Detail ?? string.Empty,
        };
    }

    private async Task<AgentRefusal?> HostHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        if (agent.Host is not { } host)
        {
            return AgentRefusal.NotYours;
        }

        var observed = new List<Core.Reconciliation.ObservedDesktop>(heartbeat.Desktops.Count);
        foreach (var desktop in heartbeat.Desktops)
        {
            if (!WireIds.TryDesktop(desktop.DesktopId, out var id) || !WireIds.TryEpoch(desktop.Epoch, out var epoch))
            {
                return AgentRefusal.Malformed("Every observed desktop names a desktop (UUID) and an epoch.");
            }

            observed.Add(new Core.Reconciliation.ObservedDesktop(id, epoch.Value, desktop.Locked, desktop.Running));
        }

        var now = time.GetUtcNow();
        session.HostReport = new HostReport(host, now, heartbeat.Healthy, observed);
        await services.GetRequiredService<AgentPresence>().RecordHostAsync(host, now, heartbeat.Healthy, heartbeat.TransferAddress, cancellationToken);
        return null;
    }

    private async Task<AgentRefusal?> DeviceHeartbeatAsync(DeviceHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        if (agent.Device is not { } device)
        {
            return AgentRefusal.NotYours;
        }

        var copies = new List<ObservedLocalCopy>(heartbeat.Copies.Count);
        foreach (var copy in heartbeat.Copies)
        {
            if (!WireIds.TryDesktop(copy.DesktopId, out var id) || !WireIds.TryEpoch(copy.Epoch, out var epoch))
            {
                return AgentRefusal.Malformed("Every local copy names a desktop (UUID) and an epoch.");
            }

            copies.Add(new ObservedLocalCopy(id, epoch.Value));
        }

        var now = time.GetUtcNow();
        session.DeviceReport = new DeviceReport(device, now, copies);
        await services.GetRequiredService<AgentPresence>().RecordDeviceAsync(device, now, cancellationToken);
        return null;
    }
}
