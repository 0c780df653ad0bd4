using System.Collections.Concurrent;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Host;

/// <summary>
/// Manifests of sealed layer files and base images by path. Both are immutable and their names are
/// never reused (the layer store names every new file afresh), so a manifest stays true for its
/// path. Thread-safe; two first requests may both build it.
/// </summary>
internal sealed class LayerManifestCache(IStorage storage)
{
    private readonly ConcurrentDictionary<string, LayerManifest> _manifests = new(StringComparer.Ordinal);

    public async Task<LayerManifest> GetAsync(string path, CancellationToken cancellationToken)
    {
        if (_manifests.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var file = await VhdxFile.OpenAsync(storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var manifest = await LayerManifest.BuildAsync(file, ChunkHasher.Default, cancellationToken).ConfigureAwait(false);
            return _manifests.GetOrAdd(path, manifest);
        }
    }
}
