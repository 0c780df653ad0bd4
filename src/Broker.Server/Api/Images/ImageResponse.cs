using Broker.Server.Images;

namespace Broker.Server.Api.Images;

/// <summary>A gold image as the API shows it.</summary>
/// <param name="Id">The image's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version.</param>
/// <param name="BaseContentAddress">Empty until a host imported an uploaded image.</param>
/// <param name="SizeBytes">The disk's virtual size; 0 until a host imported an uploaded image.</param>
/// <param name="Status"><c>Uploaded</c>, <c>Distributing</c>, <c>Ready</c> (usable by pools) or <c>Failed</c>.</param>
/// <param name="StatusReason">Why it failed; null otherwise.</param>
internal sealed record ImageResponse(Guid Id, string Name, string Version, string BaseContentAddress, long SizeBytes, string Status, string? StatusReason)
{
    public static ImageResponse From(ImageListing image) =>
        new(image.Id.Value, image.Name, image.Version, image.BaseContentAddress, image.SizeBytes, image.Status.ToString(), image.Reason);
}
