namespace Broker.Cli.Admin.Api;

/// <summary>A gold image (<c>/api/v1/admin/images</c>).</summary>
/// <param name="Id">The image's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version.</param>
/// <param name="BaseContentAddress">The base disk's content address; empty until a host imported an upload.</param>
/// <param name="SizeBytes">The disk's virtual size; 0 until a host imported an upload.</param>
/// <param name="Status"><c>Uploaded</c>, <c>Distributing</c>, <c>Ready</c> or <c>Failed</c> (null from brokers before image uploads: Ready).</param>
/// <param name="StatusReason">Why an upload failed.</param>
/// <param name="HostsImported">How many hosts imported the image (null from older brokers, which kept none for an image registered by address).</param>
/// <param name="HostsTotal">How many hosts the broker knows.</param>
/// <param name="Hosts">Per-host states of the image, in answers about one image.</param>
internal sealed record ImageInfo(
    Guid Id,
    string Name,
    string Version,
    string BaseContentAddress,
    long SizeBytes,
    string? Status = null,
    string? StatusReason = null,
    int? HostsImported = null,
    int? HostsTotal = null,
    List<ImageHostInfo>? Hosts = null);
