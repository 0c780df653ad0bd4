using Broker.Core.Images;

namespace Broker.Server.Images;

/// <summary>A gold image as the admin sees it: registered (<see cref="ImageImportState.Ready"/>) or still on its way in.</summary>
/// <param name="Id">The image's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version.</param>
/// <param name="BaseContentAddress">Empty until a host imported it.</param>
/// <param name="SizeBytes">The disk's virtual size; 0 until a host imported it.</param>
/// <param name="Status">How far its import got (<see cref="ImageImportState.Ready"/> for a registered image).</param>
/// <param name="Reason">Why it failed, for <see cref="ImageImportState.Failed"/>.</param>
internal sealed record ImageListing(ImageId Id, string Name, string Version, string BaseContentAddress, long SizeBytes, ImageImportState Status, string? Reason)
{
    public static ImageListing Of(GoldImage image) =>
        new(image.Id, image.Name, image.Version, image.Base.Value, image.SizeBytes, ImageImportState.Ready, null);

    public static ImageListing Of(ImageImport import) =>
        new(import.Id, import.Name, import.Version, string.Empty, 0, import.State, import.Reason);
}
