using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.ClientAgent;

/// <summary>
/// Every <see cref="ClientAgentOptions.LeaseCheckInterval"/>, pauses the running desktops whose
/// offline lease lapsed or whose clock went back (<see cref="Desktops.DesktopManager.EnforceLeasesAsync"/>).
/// </summary>
internal sealed partial class LeaseEnforcer(AgentDesktops desktops, IOptions<ClientAgentOptions> options, TimeProvider time, ILogger<LeaseEnforcer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (await desktops.Manager.EnforceLeasesAsync(stoppingToken).ConfigureAwait(false) is > 0 and var paused)
                    {
                        LogPaused(paused);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogCheckFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused {Count} desktop(s) whose offline lease lapsed or whose clock went back")]
    private partial void LogPaused(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease check failed; it runs again at the next interval")]
    private partial void LogCheckFailed(Exception exception);
}
