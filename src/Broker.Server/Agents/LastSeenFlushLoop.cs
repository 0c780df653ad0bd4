using Broker.Core.Devices;
using Broker.Core.Hosts;
using Microsoft.Extensions.Options;

namespace Broker.Server.Agents;

/// <summary>
/// Writes the <see cref="LastSeenBuffer"/> every <see cref="AgentOptions.LastSeenFlushInterval"/>
/// (or every host heartbeat interval when that is shorter), and once more when the broker stops.
/// </summary>
internal sealed partial class LastSeenFlushLoop(
    IServiceScopeFactory scopes,
    LastSeenBuffer buffer,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<LastSeenFlushLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.LastSeenFlushInterval < options.Value.HostHeartbeat ? options.Value.LastSeenFlushInterval : options.Value.HostHeartbeat;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await TryFlushAsync(stoppingToken);
        }

        await TryFlushAsync(CancellationToken.None);
    }

    private async Task TryFlushAsync(CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await buffer.FlushAsync(services.GetRequiredService<IHostStore>(), services.GetRequiredService<IDeviceStore>(), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; the final flush follows.
        }
#pragma warning disable CA1031 // A failed flush (e.g. the database briefly away) is retried with the next one; the times stay buffered.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFlushFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Warning, Message = "Writing the agents' last-seen times failed; the next flush retries")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
