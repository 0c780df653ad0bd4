namespace Broker.Disks.Layers;

/// <summary>One layer of a desktop's chain as the chain manifest records it.</summary>
/// <param name="Id">Layer id, unique within the desktop and never reused.</param>
/// <param name="ParentId">The layer below, or null when the parent is the base image.</param>
/// <param name="File">File name inside the layer directory (a merge rebuilds a layer under a new name).</param>
/// <param name="CreatedAt">When the layer's first file was created (it started as the writable top).</param>
/// <param name="SealedAt">When it was sealed; null for the writable top.</param>
/// <param name="ContentSha256">
/// Lowercase hex SHA-256 of the layer's own content (see <see cref="LayerContent"/>); null for the top.
/// </param>
public sealed record LayerRecord(
    long Id,
    long? ParentId,
    string File,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SealedAt,
    string? ContentSha256);
