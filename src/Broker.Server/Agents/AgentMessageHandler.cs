using Broker.Contracts.V1;
using Broker.Core.Reconciliation;

namespace Broker.Server.Agents;

/// <summary>
/// Handles what an agent sends on its stream after Hello. A heartbeat is kept for the reconcile
/// loop; it is stored at once only when it is the stream's first or changes what the broker must
/// know right away (host health, transfer address), otherwise its time waits in the
/// <see cref="LastSeenBuffer"/> for the next batched write. Desktop reports go to the state
/// machine. Every message gets an <see cref="Ack"/> with its sequence number. One handler serves
/// one stream, so it remembers what that stream last said.
/// </summary>
internal sealed class AgentMessageHandler(AgentIdentity agent, AgentSession session, IServiceProvider services, TimeProvider time)
{
    private string _storedTransferAddress = string.Empty;

    public async Task<HandledMessage> HandleAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var (refusal, changesPlan) = message.BodyCase switch
        {
            AgentMessage.BodyOneofCase.HostHeartbeat => await HostHeartbeatAsync(message.HostHeartbeat, cancellationToken),
            AgentMessage.BodyOneofCase.DeviceHeartbeat => await DeviceHeartbeatAsync(message.DeviceHeartbeat, cancellationToken),
            // Progress (about once a second per transfer) changes no desired state.
            AgentMessage.BodyOneofCase.DesktopReport => (
                await services.GetRequiredService<AgentDesktopReports>().ApplyAsync(agent, message.DesktopReport, cancellationToken),
                message.DesktopReport.Kind != DesktopReportKind.TransferProgress),
            AgentMessage.BodyOneofCase.CommandResult => (await CommandResultAsync(message.CommandResult, cancellationToken), true),
            AgentMessage.BodyOneofCase.Hello => (null, false),
            _ => (AgentRefusal.Malformed("The message has no body."), false),
        };
        var ack = new Ack
        {
            Sequence = message.Sequence,
            Accepted = refusal is null,
            Reason = refusal?.Reason ?? string.Empty,
            Detail = refusal?.Detail ?? string.Empty,
        };
        return new HandledMessage(ack, changesPlan);
    }

    /// <summary>
    /// A start or stop the host carried out settles the desktop's <c>PowerRequested</c> at once (a guest
    /// may power itself off before any heartbeat shows it running); a conflict leaves it to the
    /// next heartbeat. Other results change nothing: the reconcile loop goes by reports.
    /// </summary>
    private async Task<AgentRefusal?> CommandResultAsync(CommandResult result, CancellationToken cancellationToken)
    {
        if (session.Answered(result.CommandId) is not { } order || !result.Succeeded
            || !WireIds.TryDesktop(order.Desktop, out var id) || !WireIds.TryEpoch(order.Epoch, out var epoch))
        {
            return null;
        }

        var desktops = services.GetRequiredService<Core.Desktops.IDesktopStore>();
        if (await desktops.FindAsync(id, cancellationToken) is { } desktop && desktop.Host == agent.Host
            && desktop.Epoch == epoch && desktop.PowerRequested == order.Start)
        {
            _ = await desktops.UpdateAsync(desktop with { PowerRequested = null }, cancellationToken);
        }

        return null;
    }

    private async Task<(AgentRefusal? Refusal, bool ChangesPlan)> HostHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        if (agent.Host is not { } host)
        {
            return (AgentRefusal.NotYours, false);
        }

        var observed = new List<Core.Reconciliation.ObservedDesktop>(heartbeat.Desktops.Count);
        foreach (var desktop in heartbeat.Desktops)
        {
            if (!WireIds.TryDesktop(desktop.DesktopId, out var id) || !WireIds.TryEpoch(desktop.Epoch, out var epoch)
                || !WireIds.TryOptionalDevice(desktop.ServingDevice, out var serving))
            {
                return (AgentRefusal.Malformed("Every observed desktop names a desktop (UUID) and an epoch, and a serving device only as a UUID."), false);
            }

            observed.Add(new Core.Reconciliation.ObservedDesktop(id, epoch.Value, desktop.Locked, desktop.Running, serving));
        }

        var now = time.GetUtcNow();
        var previous = session.HostReport;
        var report = new HostReport(host, now, heartbeat.Healthy, observed);
        session.Observe(report);
        var firstOrNewHealth = previous is null || previous.Healthy != report.Healthy;
        var addressChanged = heartbeat.TransferAddress.Length > 0 && heartbeat.TransferAddress != _storedTransferAddress;
        if (firstOrNewHealth || addressChanged)
        {
            _storedTransferAddress = addressChanged ? heartbeat.TransferAddress : _storedTransferAddress;
            await services.GetRequiredService<AgentPresence>().RecordHostAsync(host, now, heartbeat.Healthy, heartbeat.TransferAddress, cancellationToken);
        }
        else
        {
            services.GetRequiredService<LastSeenBuffer>().Host(host, now);
        }

        return (null, firstOrNewHealth || !previous!.Desktops.SequenceEqual(report.Desktops));
    }

    private async Task<(AgentRefusal? Refusal, bool ChangesPlan)> DeviceHeartbeatAsync(DeviceHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        if (agent.Device is not { } device)
        {
            return (AgentRefusal.NotYours, false);
        }

        var copies = new List<ObservedLocalCopy>(heartbeat.Copies.Count);
        foreach (var copy in heartbeat.Copies)
        {
            if (!WireIds.TryDesktop(copy.DesktopId, out var id) || !WireIds.TryEpoch(copy.Epoch, out var epoch))
            {
                return (AgentRefusal.Malformed("Every local copy names a desktop (UUID) and an epoch."), false);
            }

            copies.Add(new ObservedLocalCopy(id, epoch.Value));
        }

        var now = time.GetUtcNow();
        var previous = session.DeviceReport;
        session.Observe(new DeviceReport(device, now, copies));
        if (previous is null)
        {
            await services.GetRequiredService<AgentPresence>().RecordDeviceAsync(device, now, cancellationToken);
        }
        else
        {
            services.GetRequiredService<LastSeenBuffer>().Device(device, now);
        }

        return (null, previous is null || !previous.Copies.SequenceEqual(copies));
    }
}
