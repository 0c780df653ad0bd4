using Microsoft.Extensions.Hosting;

namespace Broker.HostAgent.Desktops;

/// <summary>Runs <see cref="DesktopManager.TakeDueSnapshotsAsync"/> every <see cref="Tick"/> (each desktop's own interval decides whether it is due).</summary>
internal sealed class SnapshotScheduler(DesktopManager desktops, TimeProvider time) : BackgroundService
{
    /// <summary>How often due snapshots are looked for: the granularity of every schedule.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
            await desktops.TakeDueSnapshotsAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
