using Broker.Server.Images;

namespace Broker.Server.Api.Images;

/// <summary>A gold image as the API shows it.</summary>
/// <param name="Id">The image's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version.</param>
/// <param name="BaseContentAddress">Empty until a host imported an uploaded image.</param>
/// <param name="SizeBytes">The disk's virtual size; 0 until a host imported an uploaded image.</param>
/// <param name="Status"><c>Uploaded</c>, <c>Distributing</c>, <c>Ready</c> (usable by pools, once one host imported it) or <c>Failed</c> (every host that tried failed, none has it).</param>
/// <param name="StatusReason">Why it failed (each failed host's reason); null otherwise.</param>
/// <param name="HostsImported">How many hosts imported the image (an upload, or an image registered by address that hosts copied from each other).</param>
/// <param name="HostsTotal">How many hosts the broker knows.</param>
/// <param name="Hosts">Per-host states of the image, by host name: in answers about one image (<c>GET …/images/{id}</c>, retry, import); null in the list and in the answer to a registration.</param>
internal sealed record ImageResponse(
    Guid Id,
    string Name,
    string Version,
    string BaseContentAddress,
    long SizeBytes,
    string Status,
    string? StatusReason,
    int? HostsImported = null,
    int? HostsTotal = null,
    IReadOnlyList<ImageHostResponse>? Hosts = null)
{
    /// <summary>The image with its counts; with its per-host rows when <paramref name="withHosts"/>.</summary>
    public static ImageResponse From(ImageListing image, bool withHosts)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new(
            image.Id.Value,
            image.Name,
            image.Version,
            image.BaseContentAddress,
            image.SizeBytes,
            image.Status.ToString(),
            image.Reason,
            image.ImportedHostCount,
            image.HostCount,
            withHosts ? [.. image.Hosts.Select(ImageHostResponse.From)] : null);
    }

    /// <summary>The image as the list shows it: counts, no per-host rows.</summary>
    public static ImageResponse From(ImageListing image) => From(image, withHosts: false);
}
