using Broker.Core.Images;
using Microsoft.Extensions.Options;

namespace Broker.Server.Images;

/// <summary>
/// Every <see cref="ImageUploadOptions.OfferInterval"/>, offers every uploaded image that did not
/// fail to the connected hosts that were not offered it on their current stream (a host that
/// connected or reconnected since), so each host fetches every image eagerly; an image offered to
/// a host for the first time moves from Uploaded to Distributing.
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
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var imports = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
            var offerable = (await imports.ListAsync(cancellationToken)).Where(import => import.State != ImageImportState.Failed).ToList();
            if (offerable.Count == 0 || distribution.Offer([.. offerable.Select(import => import.Id)]) == 0)
            {
                return;
            }

            foreach (var import in offerable.Where(import => import.State == ImageImportState.Uploaded))
            {
                _ = await imports.SetStateAsync(import.Id, ImageImportState.Distributing, null, cancellationToken);
            }
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

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Offering uploaded images to the hosts failed; the next round retries")]
    private static partial void LogOfferFailed(ILogger logger, Exception exception);
}
