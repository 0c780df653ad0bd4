using System.Net;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary>Pools, images and hosts named on the command line by id or by name.</summary>
internal static class Lookup
{
    /// <summary>The id of the pool <paramref name="reference"/> (an id, or a pool's exact name).</summary>
    public static async Task<Guid> PoolIdAsync(BrokerApiClient client, string reference, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        var pools = (await client.ListPoolsAsync(cancellationToken).ConfigureAwait(false)).Value;
        return pools.SingleOrDefault(pool => pool.Name == reference)?.Id
            ?? throw new ApiRefusedException(HttpStatusCode.NotFound, $"there is no pool named '{reference}'.");
    }

    /// <summary>The id of the image <paramref name="reference"/>: an id, <c>NAME:VERSION</c>, or a name that has one version only.</summary>
    public static async Task<Guid> ImageIdAsync(BrokerApiClient client, string reference, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        var images = (await client.ListImagesAsync(cancellationToken).ConfigureAwait(false)).Value;
        var matches = images.Where(image => image.Name == reference || $"{image.Name}:{image.Version}" == reference).ToList();
        return matches.Count switch
        {
            1 => matches[0].Id,
            0 => throw new ApiRefusedException(HttpStatusCode.NotFound, $"there is no image '{reference}' (give an id, NAME or NAME:VERSION)."),
            _ => throw new UsageException($"image '{reference}' has several versions ({string.Join(", ", matches.Select(image => image.Version))}): give NAME:VERSION or the id."),
        };
    }

    /// <summary>The id of the host <paramref name="reference"/> (an id, or a host's exact name).</summary>
    public static async Task<Guid> HostIdAsync(BrokerApiClient client, string reference, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        var hosts = (await client.ListHostsAsync(cancellationToken).ConfigureAwait(false)).Value;
        return hosts.SingleOrDefault(host => host.Name == reference)?.Id
            ?? throw new ApiRefusedException(HttpStatusCode.NotFound, $"there is no host named '{reference}'.");
    }
}
