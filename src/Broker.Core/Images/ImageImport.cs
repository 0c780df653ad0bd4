namespace Broker.Core.Images;

/// <summary>
/// A gold image uploaded to the broker (<c>brokerctl admin images import</c>): the stored file and
/// how far it got. Once a host imports it, the image is registered as a <see cref="GoldImage"/>
/// with the same id and the base address that host computed.
/// </summary>
public sealed record ImageImport
{
    /// <summary>The image's id (the <see cref="GoldImage"/> it becomes keeps it).</summary>
    public required ImageId Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Version label.</summary>
    public required string Version { get; init; }

    /// <summary>Where it stands.</summary>
    public required ImageImportState State { get; init; }

    /// <summary>Why it failed, for <see cref="ImageImportState.Failed"/>; otherwise null.</summary>
    public string? Reason { get; init; }

    /// <summary>Bytes of the uploaded file.</summary>
    public required long FileSizeBytes { get; init; }

    /// <summary>Lowercase hex SHA-256 of the uploaded file: hosts check their download against it.</summary>
    public required string FileSha256 { get; init; }

    /// <summary>When the upload completed.</summary>
    public required DateTimeOffset UploadedAt { get; init; }

    /// <summary>The problems of <paramref name="name"/> and <paramref name="version"/> as a <see cref="GoldImage"/>'s; empty when both are fine.</summary>
    public static IReadOnlyList<ValidationError> CheckLabels(string? name, string? version)
    {
        var errors = new List<ValidationError>();
        Rules.RequireText(errors, nameof(Name), name, GoldImage.MaxNameLength);
        Rules.RequireText(errors, nameof(Version), version, GoldImage.MaxVersionLength);
        return errors;
    }
}
