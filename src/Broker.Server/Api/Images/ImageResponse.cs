using Broker.Core.Images;

namespace Broker.Server.Api.Images;

/// <summary>A gold image as the API shows it.</summary>
internal sealed record ImageResponse(Guid Id, string Name, string Version, string BaseContentAddress, long SizeBytes)
{
    public static ImageResponse From(GoldImage image) => new(image.Id.Value, image.Name, image.Version, image.Base.Value, image.SizeBytes);
}
