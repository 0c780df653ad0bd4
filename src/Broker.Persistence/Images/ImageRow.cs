using Broker.Core.Images;

namespace Broker.Persistence.Images;

/// <summary>A stored <see cref="GoldImage"/>.</summary>
internal sealed class ImageRow
{
    public ImageId Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public ContentAddress Base { get; set; }

    public long SizeBytes { get; set; }

    public static ImageRow From(GoldImage image) => new()
    {
        Id = image.Id,
        Name = image.Name,
        Version = image.Version,
        Base = image.Base,
        SizeBytes = image.SizeBytes,
    };

    public GoldImage ToDomain() => new()
    {
        Id = Id,
        Name = Name,
        Version = Version,
        Base = Base,
        SizeBytes = SizeBytes,
    };
}
