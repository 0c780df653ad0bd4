using Broker.Core.Images;

namespace Broker.Server.Images;

/// <summary>
/// Offers uploaded images to the connected hosts (<see cref="ImageDistribution"/>) by their stored
/// per-host states, and records each first offer as <see cref="ImageHostImportState.Offered"/>, which
/// moves an image from Uploaded to Distributing. Used at upload, at an admin's retry and by
/// <see cref="ImageDistributionLoop"/>.
/// </summary>
internal sealed class ImageOffers(IImageImportStore imports, ImageDistribution distribution, TimeProvider time)
{
    /// <summary>Offers <paramref name="images"/> to every connected host that may have them; returns how many commands went out.</summary>
    public async Task<int> OfferAsync(IReadOnlyCollection<ImageId> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0 || !distribution.AnyHostConnected)
        {
            return 0;
        }

        var wanted = images.ToHashSet();
        var states = wanted.Count == 1
            ? await imports.ListHostsAsync(wanted.Single(), cancellationToken)
            : [.. (await imports.ListAllHostsAsync(cancellationToken)).Where(state => wanted.Contains(state.Image))];
        return await distribution.OfferAsync(wanted, states, (image, host) => imports.MarkOfferedAsync(image, host, time.GetUtcNow(), cancellationToken));
    }
}
