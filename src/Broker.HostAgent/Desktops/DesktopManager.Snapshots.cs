using Broker.Disks.Layers;
using Microsoft.Extensions.Logging;

namespace Broker.HostAgent.Desktops;

/// <summary>Periodic snapshots (design §9): seal running desktops on their pool's schedule, then merge what retention lets go.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// One round of the snapshot schedule: every running desktop that is not checked out (a
    /// checked-out desktop's layers come from its device), has a schedule, and whose top is at least
    /// an interval old and holds writes, is sealed under its running export; then its sealed layers
    /// that retention no longer keeps are merged away. A desktop that fails is logged and tried
    /// again next round.
    /// </summary>
    public async Task TakeDueSnapshotsAsync(CancellationToken cancellationToken)
    {
        foreach (var desktop in _desktops.Values)
        {
            await desktop.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (desktop.Record is { Locked: false, Snapshots: { } schedule } && desktop.Running)
                {
                    await SnapshotIfDueAsync(desktop, schedule, cancellationToken).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // One desktop's failed snapshot must not stop the others' or the schedule.
            catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogSnapshotFailed(logger, exception, desktop.Record.DesktopId);
            }
            finally
            {
                _ = desktop.Gate.Release();
            }
        }
    }

    private async Task SnapshotIfDueAsync(HostedDesktop desktop, SnapshotSchedule schedule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - desktop.Layers.Manifest.Top.CreatedAt < schedule.Interval
            || !await desktop.TopHoldsDataAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var sealedLayer = await desktop.SealAsync(cancellationToken).ConfigureAwait(false);
        LogSnapshot(logger, desktop.Record.DesktopId, sealedLayer.Id);
        HostCrashPoints.SnapshotSealed.Hit();
        var merges = LayerRetentionPlanner.Plan(desktop.Layers.Manifest.CurrentChain(), schedule.Retention, Pinned(desktop), now);
        foreach (var merge in merges)
        {
            var merged = await desktop.MergeAsync(merge.LowerId, merge.UpperId, cancellationToken).ConfigureAwait(false);
            LogMerged(logger, desktop.Record.DesktopId, merge.LowerId, merge.UpperId, merged.Id);
            HostCrashPoints.SnapshotMerged.Hit();
        }
    }

    /// <summary>Layers whose files something outside the chain depends on: the layer prepared for a check-out, and every quarantined layer's parent.</summary>
    private static HashSet<long> Pinned(HostedDesktop desktop)
    {
        var pinned = desktop.Quarantine.Layers.Select(layer => layer.ParentId).OfType<long>().ToHashSet();
        if (desktop.Record.PreparedLayer is { } prepared)
        {
            _ = pinned.Add(prepared);
        }

        return pinned;
    }

    [LoggerMessage(EventId = 8110, Level = LogLevel.Information, Message = "Snapshot of desktop {DesktopId}: sealed layer {LayerId}")]
    private static partial void LogSnapshot(ILogger logger, string desktopId, long layerId);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Information, Message = "Retention for desktop {DesktopId}: merged layers {LowerId} to {UpperId} into {MergedId}")]
    private static partial void LogMerged(ILogger logger, string desktopId, long lowerId, long upperId, long mergedId);

    [LoggerMessage(EventId = 8112, Level = LogLevel.Error, Message = "Snapshot of desktop {DesktopId} failed")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, string desktopId);
}
