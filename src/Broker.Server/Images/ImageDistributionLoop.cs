using Microsoft.Extensions.Options;

namespace Broker.Server.Images;

/// <summary>
/// Every <see cref="ImageUploadOptions.OfferInterval"/>, offers every uploaded image and every
/// image registered by address to the connected hosts that may have it (<see cref="ImageOffers"/>):
/// hosts that connected or reconnected since, hosts that enrolled after the upload or registration,
/// hosts whose failure an admin cleared, and hosts that have not answered an offer for
/// <see cref="ImageUploadOptions.ReofferAfter"/>, so each host fetches every image eagerly, Ready
/// ones included.
/// </summary>
internal sealed partial class ImageDistributionLoop(
    IServiceScopeFactory scopes,
    ImageDistribution distribution,
    IOptions<ImageUploadOptions> options,
    TimeProvider time,
    ILogger<ImageDistributionLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OfferInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryOfferAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task TryOfferAsync(CancellationToken cancellationToken)
    {
        if (!distribution.AnyHostConnected)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            _ = await scope.ServiceProvider.GetRequiredService<ImageOffers>().OfferAllAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed round (e.g. the database briefly away) is retried with the next one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogOfferFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Offering images to the hosts failed; the next round retries")]
    private static partial void LogOfferFailed(ILogger logger, Exception exception);
}
