using System.Collections.Concurrent;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Host;

/// <summary>
/// Manifests of sealed layer files and base images by path (a path is one or the other, never both).
/// Both are immutable and their names are never reused (the layer store names every new file
/// afresh), so a manifest stays true for its path. Thread-safe; two first requests may both build it.
/// </summary>
internal sealed class LayerManifestCache(IStorage storage)
{
    private readonly ConcurrentDictionary<string, LayerManifest> _manifests = new(StringComparer.Ordinal);

    /// <summary>The manifest of the sealed layer file at <paramref name="path"/>.</summary>
    public Task<LayerManifest> GetAsync(string path, CancellationToken cancellationToken) =>
        GetAsync(path, LayerManifest.BuildAsync, cancellationToken);

    /// <summary>The manifest of the base image at <paramref name="path"/> (without its all-zero chunks).</summary>
    public Task<LayerManifest> GetBaseAsync(string path, CancellationToken cancellationToken) =>
        GetAsync(path, LayerManifest.BuildBaseAsync, cancellationToken);

    private async Task<LayerManifest> GetAsync(string path, Func<VhdxFile, ChunkHashAlgorithm, CancellationToken, Task<LayerManifest>> build, CancellationToken cancellationToken)
    {
        if (_manifests.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var file = await VhdxFile.OpenAsync(storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var manifest = await build(file, ChunkHasher.Default, cancellationToken).ConfigureAwait(false);
            return _manifests.GetOrAdd(path, manifest);
        }
    }
}
