using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.ClientAgent;

/// <summary>Every <see cref="ClientAgentOptions.SyncInterval"/>, seals and pushes each pulled desktop; what cannot be pushed stays queued.</summary>
internal sealed partial class BackgroundSync(AgentDesktops desktops, IOptions<ClientAgentOptions> options, TimeProvider time, ILogger<BackgroundSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SyncInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await desktops.Manager.SyncAllAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogSyncFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background sync failed; it is retried at the next interval")]
    private partial void LogSyncFailed(Exception exception);
}
