using System.Collections.Concurrent;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Host;

/// <summary>
/// Manifests of sealed layer files and base images by path (a path is one or the other, never both).
/// Both are immutable and their names are never reused (the layer store names every new file
/// afresh), so a manifest stays true for its path. Kept in memory and, when
/// <paramref name="persisted"/> is given, on disk too, so a restarted host reads it instead of
/// hashing the file again. Thread-safe; two first requests may both build it. Files go away (merged
/// layers, deleted desktops): <see cref="PruneAsync"/> forgets their manifests.
/// </summary>
internal sealed class LayerManifestCache(IStorage storage, PersistedManifests? persisted = null)
{
    private readonly ConcurrentDictionary<string, LayerManifest> _manifests = new(StringComparer.Ordinal);

    /// <summary>
    /// Forgets the manifest of every file not in <paramref name="liveSources"/>, in memory and on
    /// disk; returns how many kept files it removed. A manifest made meanwhile for a new file may go
    /// too and is built again when next asked for.
    /// </summary>
    public async Task<int> PruneAsync(IReadOnlySet<string> liveSources, CancellationToken cancellationToken)
    {
        foreach (var path in _manifests.Keys.Where(path => !liveSources.Contains(path)))
        {
            _ = _manifests.TryRemove(path, out _);
        }

        if (persisted is null)
        {
            return 0;
        }

        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in liveSources.Where(storage.FileExists))
        {
            _ = kept.Add(persisted.FileOf(source, await LengthOfAsync(source, cancellationToken).ConfigureAwait(false)));
        }

        return await persisted.RemoveAllExceptAsync(kept, cancellationToken).ConfigureAwait(false);
    }

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

        var length = persisted is null ? 0 : await LengthOfAsync(path, cancellationToken).ConfigureAwait(false);
        if (persisted is not null && await persisted.TryReadAsync(path, length, cancellationToken).ConfigureAwait(false) is { } kept)
        {
            return _manifests.GetOrAdd(path, kept);
        }

        var file = await VhdxFile.OpenAsync(storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var manifest = await build(file, ChunkHasher.Default, cancellationToken).ConfigureAwait(false);
            if (persisted is not null)
            {
                await persisted.WriteAsync(path, length, manifest, file.VirtualSize, file.LogicalSectorSize, cancellationToken).ConfigureAwait(false);
            }

            return _manifests.GetOrAdd(path, manifest);
        }
    }

    private async Task<long> LengthOfAsync(string path, CancellationToken cancellationToken)
    {
        var file = await storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            return file.Length;
        }
    }
}
