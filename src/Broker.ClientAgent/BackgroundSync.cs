using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.ClientAgent;

/// <summary>
/// Syncs each ready desktop when its background sync is due (the lease's interval, the user's
/// deferral: <see cref="Desktops.DesktopManager.SyncDueAsync"/>) and sleeps until the next is due
/// or the schedule changes; what cannot be pushed stays queued. Before that, each ready desktop's
/// chain is verified against its host's once per run, as soon as the host can be reached
/// (<see cref="Desktops.DesktopManager.VerifyChainsAsync"/>; a broker connection wakes the loop).
/// </summary>
internal sealed partial class BackgroundSync(AgentDesktops desktops, TimeProvider time, ILogger<BackgroundSync> logger) : BackgroundService
{
    /// <summary>How long to wait after an unexpected failure before trying again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var manager = desktops.Manager;
                var changed = manager.SyncScheduleChanged;
                DateTimeOffset next;
                try
                {
                    await manager.VerifyChainsAsync(stoppingToken).ConfigureAwait(false);
                    next = await manager.SyncDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogSyncFailed(exception);
                    next = time.GetUtcNow() + RetryDelay;
                }

                await manager.WaitForSyncDueAsync(next, changed, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background sync failed; it is tried again shortly")]
    private partial void LogSyncFailed(Exception exception);
}
