using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Leases;
using Broker.Core.Pools;
using Broker.Server.Desktops;

namespace Broker.Server.Agents;

/// <summary>
/// Turns an agent's <see cref="DesktopReport"/> into a state machine event and applies it through
/// <see cref="DesktopActions"/>: host reports only about desktops on that host, device reports only
/// about desktops held by (or being pulled to) that device. Quarantine reports go to
/// <see cref="QuarantineReports"/> instead: they change no state.
/// </summary>
internal sealed class AgentDesktopReports(IDesktopStore desktops, IPoolStore pools, DesktopActions actions, IDesktopProgressBoard progress, QuarantineReports quarantine, TimeProvider time)
{
    private const int ConcurrentUpdateAttempts = 5;

    /// <summary>Applies <paramref name="report"/>; null when accepted, otherwise why not.</summary>
    public async Task<AgentRefusal?> ApplyAsync(AgentIdentity agent, DesktopReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(report);
        if (!WireIds.TryDesktop(report.DesktopId, out var id) || !WireIds.TryEpoch(report.Epoch, out var epoch))
        {
            return AgentRefusal.Malformed("A desktop report names a desktop (UUID) and an epoch.");
        }

        // A report states a fact: one that met a concurrent change of the desktop (a user's request,
        // another report) is applied again to the desktop as it now is, not dropped.
        for (var attempt = 1; ; attempt++)
        {
            var desktop = await desktops.FindAsync(id, cancellationToken);
            var fromDevice = IsDeviceReport(report.Kind);
            if (desktop is null || (fromDevice ? desktop.Device != agent.Device : desktop.Host != agent.Host))
            {
                return AgentRefusal.NotYours;
            }

            if (report.Kind == DesktopReportKind.TransferProgress)
            {
                return RecordProgress(desktop, epoch.Value, report.Progress);
            }

            if (QuarantineReports.Handles(report.Kind))
            {
                return await quarantine.ApplyAsync(agent, desktop, report, cancellationToken);
            }

            var @event = await ToEventAsync(report, epoch.Value, desktop, cancellationToken);
            if (@event is null)
            {
                return AgentRefusal.Malformed($"Report {report.Kind} needs a known kind and, where it names one, a layer id (UUID).");
            }

            var result = await actions.ApplyAsync(agent.Actor, desktop, [@event], cancellationToken);
            if (result == DesktopActionResult.ConcurrentUpdate && attempt < ConcurrentUpdateAttempts)
            {
                continue;
            }

            return result.Outcome switch
            {
                DesktopActionOutcome.Done => null,
                DesktopActionOutcome.NotFound => AgentRefusal.NotYours,
                _ => AgentRefusal.Precondition(result.Reason!, result.Detail!),
            };
        }
    }

    private static bool IsDeviceReport(DesktopReportKind kind) =>
        kind is DesktopReportKind.TransferCompleted or DesktopReportKind.FinalUploadStarted or DesktopReportKind.TransferProgress;

    /// <summary>TRANSFER_PROGRESS changes no state: the board keeps it for the portal, at the desktop's current epoch only.</summary>
    private AgentRefusal? RecordProgress(Desktop desktop, Epoch epoch, TransferProgress? reported)
    {
        if (epoch != desktop.Epoch)
        {
            return AgentRefusal.Precondition(nameof(StaleEpoch), $"The desktop is at epoch {desktop.Epoch}, the report names {epoch}.");
        }

        if (DeviceTransferProgress.From(reported, time.GetUtcNow()) is not { } known)
        {
            return AgentRefusal.Malformed("TRANSFER_PROGRESS needs a direction, and at most as many bytes done as in total.");
        }

        progress.Record(desktop.Id, known);
        return null;
    }

    private async Task<DesktopEvent?> ToEventAsync(DesktopReport report, Epoch epoch, Desktop desktop, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hasLayer = WireIds.TryLayer(report.LayerId, out var layer);
        return report.Kind switch
        {
            DesktopReportKind.ProvisioningCompleted => new ProvisioningCompleted(epoch),
            DesktopReportKind.ServerCopyPrepared when hasLayer => new ServerCopyPrepared(epoch, layer),
            DesktopReportKind.ServerCopyResumed => new ServerCopyResumed(epoch),
            DesktopReportKind.TransferCompleted => await pools.FindAsync(desktop.Pool, cancellationToken) is { } pool
                ? new TransferCompleted(epoch, LeaseCalculator.Grant(pool.Offline, now))
                : null,
            DesktopReportKind.SyncAcknowledged when hasLayer => new SyncAcknowledged(epoch, layer, now),
            DesktopReportKind.FinalUploadStarted => new FinalUploadStarted(epoch),
            DesktopReportKind.FinalLayerUploaded when hasLayer => new FinalLayerUploaded(epoch, layer, now),
            DesktopReportKind.CheckInCommitted => new CheckInCommitted(epoch),
            DesktopReportKind.RollbackCompleted => new RollbackCompleted(epoch),
            DesktopReportKind.ResetCompleted => new ResetCompleted(epoch),
            _ => null,
        };
    }
}
