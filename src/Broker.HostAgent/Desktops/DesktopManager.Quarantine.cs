using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.HostAgent.Broker;
using Google.Protobuf.WellKnownTypes;

namespace Broker.HostAgent.Desktops;

/// <summary>
/// Revoke and quarantine (design §5): a revoked device's late pushes land in the desktop's
/// quarantine (see <c>QuarantinePushTarget</c>), the broker hears of each until it acknowledges it,
/// and an admin's promote grafts one onto the chain.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// The broker accepted <paramref name="report"/>: a quarantined layer's report is recorded as
    /// heard, and so is a resume after a revoke, so a restart does not send them again.
    /// </summary>
    public async Task OnReportAcknowledgedAsync(DesktopReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_desktops.TryGetValue(report.DesktopId, out var desktop))
        {
            return;
        }

        if (report.Kind == DesktopReportKind.LayerQuarantined && WireLayerIds.TryFromWire(report.LayerId, out var layer))
        {
            await desktop.Quarantine.MarkReportedAsync(layer, cancellationToken).ConfigureAwait(false);
        }
        else if (report.Kind == DesktopReportKind.ServerCopyResumed && desktop.Record is { ResumePending: true, Locked: false } record && record.Epoch == report.Epoch)
        {
            await desktop.UpdateAsync(r => r.Epoch == report.Epoch ? r with { ResumePending = false } : r, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Remembers the revoked device and epoch durably (its late pushes go to quarantine from now on)
    /// and moves to the new epoch; the desktop stays locked until the unlock that follows.
    /// </summary>
    private static async Task<CommandOutcome> QuarantineLatePushesAsync(HostedDesktop desktop, AgentCommand command, CancellationToken cancellationToken)
    {
        if (desktop.Record.RevokedEpoch == command.RevokedEpoch && desktop.Record.RevokedDeviceId == command.DeviceId && desktop.Record.Epoch == command.Epoch)
        {
            return CommandOutcome.NoOp("Already quarantining.");
        }

        await desktop.UpdateAsync(
            record => record with { RevokedEpoch = command.RevokedEpoch, RevokedDeviceId = command.DeviceId, ResumePending = true, Epoch = command.Epoch, DeviceId = null },
            cancellationToken).ConfigureAwait(false);
        HostCrashPoints.Revoked.Hit();
        return CommandOutcome.Done;
    }

    /// <summary>
    /// Grafts a quarantined layer onto the chain (a new top over it; the old top stays as a branch),
    /// with the VM stopped. Refused while the desktop is checked out; a repeat reports it again and
    /// changes nothing.
    /// </summary>
    private async Task<CommandOutcome> PromoteAsync(HostedDesktop desktop, AgentCommand command, CancellationToken cancellationToken)
    {
        if (!WireLayerIds.TryFromWire(command.LayerId, out var id) || desktop.Quarantine.Find(id) is not { } layer)
        {
            return CommandOutcome.Refused($"The quarantine of desktop {desktop.Record.DesktopId} holds no layer {command.LayerId}.");
        }

        if (layer.PromotedAs is { } promoted && desktop.Layers.Manifest.Find(promoted) is not null)
        {
            Report(desktop, command.Epoch, DesktopReportKind.QuarantinePromoted, id);
            return CommandOutcome.NoOp("Already promoted.");
        }

        if (desktop.Record.Locked)
        {
            return CommandOutcome.Refused($"Desktop {desktop.Record.DesktopId} is checked out; its server copy is locked.");
        }

        await desktop.StopAsync().ConfigureAwait(false);
        var graft = await desktop.Layers.GraftAsync(layer, desktop.Quarantine.PathOf(layer), cancellationToken).ConfigureAwait(false);
        await desktop.Quarantine.MarkPromotedAsync(id, graft.Id, cancellationToken).ConfigureAwait(false);
        Report(desktop, command.Epoch, DesktopReportKind.QuarantinePromoted, id);
        return CommandOutcome.Done;
    }

    /// <summary>Queues the report of every quarantined layer the broker has not acknowledged (after a restart).</summary>
    private void ReportUnheardQuarantine(HostedDesktop desktop)
    {
        foreach (var layer in desktop.Quarantine.Layers.Where(layer => !layer.Reported))
        {
            ReportQuarantined(desktop, layer.Id);
        }
    }

    /// <summary>Queues the resume report of a desktop unlocked after a revoke that the broker has not acknowledged (after a restart).</summary>
    private void ReportUnheardResume(HostedDesktop desktop)
    {
        if (desktop.Record is { ResumePending: true, Locked: false } record)
        {
            Report(desktop, record.Epoch, DesktopReportKind.ServerCopyResumed, null);
        }
    }

    private void ReportQuarantined(HostedDesktop desktop, long layerId)
    {
        if (desktop.Quarantine.Find(layerId) is not { } layer)
        {
            return;
        }

        var report = NewReport(desktop, desktop.Record.Epoch, DesktopReportKind.LayerQuarantined, layerId);
        report.Quarantined = Describe(layer);
        _reports.Writer.TryWrite(report);
    }

    private static QuarantinedLayer Describe(QuarantinedLayerRecord layer) => new()
    {
        LayerId = WireLayerIds.ToWire(layer.Id),
        ParentLayerId = layer.ParentId is { } parent ? WireLayerIds.ToWire(parent) : string.Empty,
        RevokedEpoch = layer.Epoch,
        DeviceId = layer.DeviceId,
        SizeBytes = (ulong)layer.SizeBytes,
        ReceivedAt = Timestamp.FromDateTimeOffset(layer.ReceivedAt),
    };
}
