using Broker.Transfer.Host;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.HostAgent.Desktops;

/// <summary>
/// Removes the staging files of pushes no client will come back to: every desktop's at host start
/// (a push cut off by the restart resumes only under its desktop's live epoch), then every
/// <see cref="Interval"/> those whose last checkpoint is older than <see cref="TransferHostOptions.AbandonedPushAge"/>.
/// Each round also forgets the cached manifests of files no desktop holds any more.
/// </summary>
internal sealed partial class PushStagingSweeper(DesktopManager desktops, DiskTransferService transfers, TimeProvider time, ILogger<PushStagingSweeper> logger) : BackgroundService
{
    /// <summary>How often abandoned pushes are looked for.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hostStarting = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            await SweepAsync(hostStarting, stoppingToken).ConfigureAwait(false);
            hostStarting = false;
            await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SweepAsync(bool hostStarting, CancellationToken cancellationToken)
    {
        var held = desktops.DesktopIds.Select(desktops.Find).OfType<TransferDesktop>().ToList();
        await SweepPushesAsync(held, hostStarting, cancellationToken).ConfigureAwait(false);
        try
        {
            var removed = await transfers.PruneManifestsAsync(held, cancellationToken).ConfigureAwait(false);
            if (removed > 0)
            {
                LogManifestsPruned(logger, removed);
            }
        }
#pragma warning disable CA1031 // A cache that cannot be pruned now is pruned next round; it must not stop the sweeper.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogPruneFailed(logger, exception);
        }
    }

    private async Task SweepPushesAsync(IReadOnlyList<TransferDesktop> held, bool hostStarting, CancellationToken cancellationToken)
    {
        foreach (var desktop in held)
        {
            try
            {
                var removed = await transfers.RemoveAbandonedPushesAsync(desktop, hostStarting, cancellationToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogRemoved(logger, removed, desktop.DesktopId);
                }
            }
#pragma warning disable CA1031 // One desktop's unreadable staging must not stop the others' sweep.
            catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogSweepFailed(logger, exception, desktop.DesktopId);
            }
        }
    }

    [LoggerMessage(EventId = 8120, Level = LogLevel.Information, Message = "Removed {Count} abandoned push staging file(s) of desktop {DesktopId}")]
    private static partial void LogRemoved(ILogger logger, int count, string desktopId);

    [LoggerMessage(EventId = 8121, Level = LogLevel.Warning, Message = "Could not sweep abandoned pushes of desktop {DesktopId}")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string desktopId);

    [LoggerMessage(EventId = 8122, Level = LogLevel.Information, Message = "Removed {Count} cached manifest(s) of files no desktop holds any more")]
    private static partial void LogManifestsPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 8123, Level = LogLevel.Warning, Message = "Could not prune the manifest cache")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
