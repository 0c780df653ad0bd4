namespace Broker.Core.Images;

/// <summary>
/// A gold image uploaded to the broker (<c>brokerctl admin images import</c>): the stored file.
/// How far it got is kept per host (<see cref="ImageImportHost"/>) and summed up by
/// <see cref="StateOf"/>. Once a host imports it, the image is registered as a
/// <see cref="GoldImage"/> with the same id and the base address that host computed.
/// </summary>
public sealed record ImageImport
{
    /// <summary>The image's id (the <see cref="GoldImage"/> it becomes keeps it).</summary>
    public required ImageId Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Version label.</summary>
    public required string Version { get; init; }

    /// <summary>Bytes of the uploaded file.</summary>
    public required long FileSizeBytes { get; init; }

    /// <summary>Lowercase hex SHA-256 of the uploaded file: hosts check their download against it.</summary>
    public required string FileSha256 { get; init; }

    /// <summary>When the upload completed.</summary>
    public required DateTimeOffset UploadedAt { get; init; }

    /// <summary>
    /// The image's overall state from its hosts' states: Ready once it is registered or any host
    /// imported it; Failed when at least one host tried, every host that tried failed and none has
    /// it; Distributing while a host that was offered it has not answered; Uploaded before any host
    /// was offered it.
    /// </summary>
    /// <param name="registered">The image is registered as a <see cref="GoldImage"/> (a host imported it before).</param>
    /// <param name="hosts">The image's per-host states.</param>
    public static ImageImportState StateOf(bool registered, IReadOnlyCollection<ImageImportHost> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        if (registered || hosts.Any(host => host.State == ImageHostImportState.Imported))
        {
            return ImageImportState.Ready;
        }

        return hosts.Count == 0 ? ImageImportState.Uploaded
            : hosts.All(host => host.State == ImageHostImportState.Failed) ? ImageImportState.Failed
            : ImageImportState.Distributing;
    }

    /// <summary>The problems of <paramref name="name"/> and <paramref name="version"/> as a <see cref="GoldImage"/>'s; empty when both are fine.</summary>
    public static IReadOnlyList<ValidationError> CheckLabels(string? name, string? version)
    {
        var errors = new List<ValidationError>();
        Rules.RequireText(errors, nameof(Name), name, GoldImage.MaxNameLength);
        Rules.RequireText(errors, nameof(Version), version, GoldImage.MaxVersionLength);
        return errors;
    }
}
