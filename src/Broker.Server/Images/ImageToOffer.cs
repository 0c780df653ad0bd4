using Broker.Core.Images;

namespace Broker.Server.Images;

/// <summary>An image to offer to the hosts (IMPORT_IMAGE).</summary>
/// <param name="Id">The image.</param>
/// <param name="RegisteredBase">
/// The base of an image registered by address, which hosts copy from each other; null for an
/// upload, which hosts download from the broker.
/// </param>
internal sealed record ImageToOffer(ImageId Id, ContentAddress? RegisteredBase);
