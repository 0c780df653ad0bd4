using Broker.Disks.Crashes;

namespace Broker.Disks.Layers;

/// <summary>Grafting a quarantined layer onto the chain (promotion).</summary>
public sealed partial class LayerStore
{
    private static readonly ChangeCrashPoints GraftPoints = new(DiskCrashPoints.GraftSwitched, null);

    /// <summary>
    /// The file of sealed layer <paramref name="layerId"/> (the base image when null), or null when
    /// no sealed layer has that id.
    /// </summary>
    public string? SealedPathOf(long? layerId) => SealedPathOf(_manifest, layerId);

    /// <summary>
    /// The sealed layer a <see cref="GraftAsync"/> of <paramref name="layer"/> made (same parent,
    /// content and times), or null.
    /// </summary>
    public LayerRecord? FindGraft(QuarantinedLayerRecord layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return _manifest.Layers.FirstOrDefault(sealedLayer => IsGraftOf(sealedLayer, layer));
    }

    /// <summary>
    /// Makes quarantined <paramref name="layer"/> (its file at <paramref name="sourcePath"/>, a
    /// differencing child of its parent's file) part of the chain as a branch point, like
    /// <see cref="RestoreAsync"/>: its own content is copied into a new sealed layer over its parent,
    /// and a new empty top goes on that. The old top is sealed and kept, with the layers it sat on,
    /// as a branch: nothing is deleted, and the source file is left as it is. The layer keeps its id
    /// unless the chain has a layer of that id already; then it takes a new one. Returns the grafted
    /// layer; a layer grafted before (see <see cref="FindGraft"/>) is returned as it is, changing nothing.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The layer's parent is not a sealed layer of the chain.</exception>
    /// <exception cref="IOException">The copy's content hash is not the quarantined layer's.</exception>
    public Task<LayerRecord> GraftAsync(QuarantinedLayerRecord layer, string sourcePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        if (FindGraft(layer) is { } grafted)
        {
            return Task.FromResult(grafted);
        }

        return ChangeAsync(
            async (manifest, token) =>
            {
                var parentPath = SealedPathOf(manifest, layer.ParentId) ?? throw new KeyNotFoundException($"No sealed layer {layer.ParentId} to graft layer {layer.Id} onto.");
                var top = manifest.Top;
                var topHash = await HashFileAsync(PathOf(top), token).ConfigureAwait(false);
                var serial = manifest.NextSerial;
                var id = manifest.Find(layer.Id) is null && layer.Id != top.Id ? layer.Id : serial++;
                serial = Math.Max(serial, id + 1);
                var file = RebuiltFileName(id, serial++);
                var hash = await BuildFromAsync(file, parentPath, sourcePath, 1, hash: true, token).ConfigureAwait(false);
                if (!string.Equals(hash, layer.ContentSha256, StringComparison.Ordinal))
                {
                    throw new IOException($"The copy of quarantined layer {layer.Id} hashes to {hash}, not {layer.ContentSha256}.");
                }

                DiskCrashPoints.GraftCopied.Hit();
                var graft = new LayerRecord(id, layer.ParentId, file, layer.CreatedAt, layer.SealedAt, hash);
                var topId = serial++;
                var topFile = LayerFileName(topId);
                await CreateFreshChildAsync(topFile, Path.Combine(Directory, file), token).ConfigureAwait(false);
                DiskCrashPoints.GraftTopCreated.Hit();
                var now = _time.GetUtcNow();
                var next = manifest with
                {
                    Epoch = manifest.Epoch + 1,
                    NextSerial = serial,
                    Layers = [.. manifest.Layers, top with { SealedAt = now, ContentSha256 = topHash }, graft],
                    Top = new LayerRecord(topId, id, topFile, now, null, null),
                };
                return new Change<LayerRecord>(next, graft, []);
            },
            GraftPoints,
            cancellationToken);
    }

    private string? SealedPathOf(ChainManifest manifest, long? layerId) =>
        layerId is { } id
            ? manifest.Find(id) is { } layer ? PathOf(layer) : null
            : manifest.BasePath;

    private static bool IsGraftOf(LayerRecord sealedLayer, QuarantinedLayerRecord layer) =>
        sealedLayer.ParentId == layer.ParentId
        && sealedLayer.CreatedAt == layer.CreatedAt
        && sealedLayer.SealedAt == layer.SealedAt
        && string.Equals(sealedLayer.ContentSha256, layer.ContentSha256, StringComparison.Ordinal);
}
