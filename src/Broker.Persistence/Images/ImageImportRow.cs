using Broker.Core.Images;

namespace Broker.Persistence.Images;

/// <summary>A stored <see cref="ImageImport"/>.</summary>
internal sealed class ImageImportRow
{
    public ImageId Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public long FileSizeBytes { get; set; }

    public string FileSha256 { get; set; } = string.Empty;

    public DateTimeOffset UploadedAt { get; set; }

    public static ImageImportRow From(ImageImport import) => new()
    {
        Id = import.Id,
        Name = import.Name,
        Version = import.Version,
        FileSizeBytes = import.FileSizeBytes,
        FileSha256 = import.FileSha256,
        UploadedAt = import.UploadedAt,
    };

    public ImageImport ToDomain() => new()
    {
        Id = Id,
        Name = Name,
        Version = Version,
        FileSizeBytes = FileSizeBytes,
        FileSha256 = FileSha256,
        UploadedAt = UploadedAt,
    };
}
