using Broker.Core.Images;

namespace Broker.Server.Images;

/// <summary>
/// Offers images to the connected hosts (<see cref="ImageDistribution"/>) by their stored per-host
/// states, and records each first offer as <see cref="ImageHostImportState.Offered"/> (which moves
/// an upload from Uploaded to Distributing). An upload is offered for download from the broker; an
/// image registered by address (a <see cref="GoldImage"/> with no upload) with its base, which a
/// host that lacks it copies from a host that holds it. Used at upload and registration, at an
/// admin's retry and by <see cref="ImageDistributionLoop"/>.
/// </summary>
internal sealed class ImageOffers(IImageImportStore imports, IImageStore registered, ImageDistribution distribution, TimeProvider time)
{
    /// <summary>Offers <paramref name="images"/> (unknown ones are skipped) to every connected host that may have them; returns how many commands went out.</summary>
    public async Task<int> OfferAsync(IReadOnlyCollection<ImageId> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0 || !distribution.AnyHostConnected)
        {
            return 0;
        }

        var offered = new List<ImageToOffer>();
        foreach (var id in images.Distinct())
        {
            if (await imports.FindAsync(id, cancellationToken) is not null)
            {
                offered.Add(new ImageToOffer(id, null));
            }
            else if (await registered.FindAsync(id, cancellationToken) is { } image)
            {
                offered.Add(new ImageToOffer(id, image.Base));
            }
        }

        return await OfferAsync(offered, cancellationToken);
    }

    /// <summary>Offers every upload and every image registered by address to every connected host that may have them; returns how many commands went out.</summary>
    public async Task<int> OfferAllAsync(CancellationToken cancellationToken)
    {
        if (!distribution.AnyHostConnected)
        {
            return 0;
        }

        var uploads = await imports.ListAsync(cancellationToken);
        var uploaded = uploads.Select(upload => upload.Id).ToHashSet();
        var byAddress = (await registered.ListAsync(cancellationToken)).Where(image => !uploaded.Contains(image.Id));
        return await OfferAsync(
            [.. uploads.Select(upload => new ImageToOffer(upload.Id, null)), .. byAddress.Select(image => new ImageToOffer(image.Id, image.Base))],
            cancellationToken);
    }

    private async Task<int> OfferAsync(List<ImageToOffer> images, CancellationToken cancellationToken)
    {
        if (images.Count == 0)
        {
            return 0;
        }

        var wanted = images.Select(image => image.Id).ToHashSet();
        var states = wanted.Count == 1
            ? await imports.ListHostsAsync(wanted.Single(), cancellationToken)
            : [.. (await imports.ListAllHostsAsync(cancellationToken)).Where(state => wanted.Contains(state.Image))];
        return await distribution.OfferAsync(images, states, (image, host) => imports.MarkOfferedAsync(image, host, time.GetUtcNow(), cancellationToken));
    }
}
