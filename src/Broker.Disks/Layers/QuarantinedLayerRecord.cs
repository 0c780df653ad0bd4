namespace Broker.Disks.Layers;

/// <summary>
/// A layer kept in a desktop's <see cref="LayerQuarantine"/>: pushed under a revoked epoch, never
/// applied to the chain, promotable.
/// </summary>
/// <param name="Id">The layer id the device gave it.</param>
/// <param name="ParentId">The chain layer it was built on; null for the base image.</param>
/// <param name="File">File name inside the quarantine directory.</param>
/// <param name="CreatedAt">When the device created the layer.</param>
/// <param name="SealedAt">When the device sealed it.</param>
/// <param name="ContentSha256">Lowercase hex SHA-256 of its own content (see <see cref="LayerContent"/>).</param>
/// <param name="Epoch">The (revoked) epoch it was pushed under.</param>
/// <param name="DeviceId">The device that pushed it.</param>
/// <param name="SizeBytes">Bytes of its file.</param>
/// <param name="ReceivedAt">When the quarantine took it in.</param>
/// <param name="Reported">The broker acknowledged hearing of it.</param>
/// <param name="PromotedAs">The chain layer it became when promoted; null until then.</param>
public sealed record QuarantinedLayerRecord(
    long Id,
    long? ParentId,
    string File,
    DateTimeOffset CreatedAt,
    DateTimeOffset SealedAt,
    string ContentSha256,
    ulong Epoch,
    string DeviceId,
    long SizeBytes,
    DateTimeOffset ReceivedAt,
    bool Reported = false,
    long? PromotedAs = null);
