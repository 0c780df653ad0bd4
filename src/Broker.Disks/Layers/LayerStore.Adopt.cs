using Broker.Disks.Crashes;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Layers;

/// <summary>Adopting a sealed layer built elsewhere (a transfer): staging files and the adoption itself.</summary>
/// <remarks>
/// A layer that arrives over the wire is written into a staging file in the layer directory, a
/// differencing child of <see cref="AdoptionParentPath"/>. Staging lives in the layer directory so
/// the child's relative parent path stays valid when adoption renames it. Files named with
/// <see cref="StagingPrefix"/> belong to whoever stages them: <see cref="OpenAsync"/> keeps them and
/// never names them in the manifest; their owner deletes them.
/// </remarks>
public sealed partial class LayerStore
{
    /// <summary>Prefix of the staging files a transfer keeps in the layer directory.</summary>
    public const string StagingPrefix = "staging-";

    /// <summary>
    /// The file a staged layer must be a differencing child of: the newest sealed layer of the
    /// current chain (the top's parent), or the base image when the chain has no sealed layer.
    /// </summary>
    public string AdoptionParentPath
    {
        get
        {
            var manifest = _manifest;
            return manifest.Top.ParentId is { } parent ? PathOf(manifest.Find(parent)!) : manifest.BasePath;
        }
    }

    /// <summary>Full path of staging file <c>staging-&lt;name&gt;</c> in the layer directory.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or holds a path separator.</exception>
    public string StagingPathOf(string name) => StagingPath(Directory, name);

    /// <summary>
    /// Adopts the staged, flushed differencing file <paramref name="stagedPath"/> (a child of
    /// <see cref="AdoptionParentPath"/>) as sealed layer <paramref name="id"/> over
    /// <paramref name="parentId"/>, and puts a new empty top on it. The current top must be empty
    /// (an unused top, e.g. a host's while the desktop is checked out); it is dropped. The staged
    /// file is renamed to a name never used before and the directory flushed before the manifest
    /// commit; <see cref="ChainManifest.NextSerial"/> moves past <paramref name="id"/>.
    /// Returns the adopted layer.
    /// </summary>
    /// <exception cref="ArgumentException">The staged file is not a staging file of this directory.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="parentId"/> is not the top's parent, a sealed layer already has
    /// <paramref name="id"/>, the top holds data, or the staged file does not fit the chain
    /// (type, geometry or parent).
    /// </exception>
    public Task<LayerRecord> AdoptSealedLayerAsync(
        string stagedPath,
        long id,
        long? parentId,
        DateTimeOffset createdAt,
        DateTimeOffset sealedAt,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stagedPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(id, 1);
        stagedPath = Path.GetFullPath(stagedPath);
        if (!string.Equals(Path.GetDirectoryName(stagedPath), Directory, StringComparison.Ordinal)
            || !Path.GetFileName(stagedPath).StartsWith(StagingPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{stagedPath}' is not a staging file of '{Directory}'.", nameof(stagedPath));
        }

        return ChangeAsync(
            async (manifest, token) =>
            {
                if (manifest.Top.ParentId != parentId)
                {
                    throw new InvalidOperationException($"Layer {id} sits on {Describe(parentId)}, the chain's newest sealed layer is {Describe(manifest.Top.ParentId)}.");
                }

                if (manifest.Find(id) is not null)
                {
                    throw new InvalidOperationException($"The chain already holds sealed layer {id}.");
                }

                await EnsureEmptyAsync(PathOf(manifest.Top), token).ConfigureAwait(false);
                var parentPath = manifest.Top.ParentId is { } parent ? PathOf(manifest.Find(parent)!) : manifest.BasePath;
                var hash = await StagedLayer.CheckAsync(_storage, stagedPath, parentPath, manifest, token).ConfigureAwait(false);

                var serial = Math.Max(manifest.NextSerial, id + 1);
                var file = RebuiltFileName(id, serial++);
                await _storage.RenameAsync(stagedPath, Path.Combine(Directory, file), token).ConfigureAwait(false);
                await _storage.FlushDirectoryAsync(Directory, token).ConfigureAwait(false);
                DiskCrashPoints.AdoptStagedRenamed.Hit();
                var adopted = new LayerRecord(id, parentId, file, createdAt, sealedAt, hash);

                var topId = serial++;
                var topFile = LayerFileName(topId);
                await CreateFreshChildAsync(topFile, Path.Combine(Directory, file), token).ConfigureAwait(false);
                DiskCrashPoints.AdoptTopCreated.Hit();
                var next = manifest with
                {
                    Epoch = manifest.Epoch + 1,
                    NextSerial = serial,
                    Layers = [.. manifest.Layers, adopted],
                    Top = new LayerRecord(topId, id, topFile, _time.GetUtcNow(), null, null),
                };
                return new Change<LayerRecord>(next, adopted, [manifest.Top.File]);
            },
            AdoptPoints,
            cancellationToken);
    }

    private static string Describe(long? layerId) => layerId is { } value ? $"layer {value}" : "the base";

    /// <summary>Full path of staging file <c>staging-&lt;name&gt;</c> in <paramref name="directory"/>.</summary>
    internal static string StagingPath(string directory, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException("A staging name is a plain file name.", nameof(name));
        }

        return Path.Combine(directory, StagingPrefix + name);
    }

    internal static IEnumerable<string> StagingFiles(IStorage storage, string directory) =>
        storage.ListFiles(directory)
            .Select(path => Path.GetFileName(path))
            .Where(name => name.StartsWith(StagingPrefix, StringComparison.Ordinal));

    private async Task EnsureEmptyAsync(string topPath, CancellationToken cancellationToken)
    {
        var top = await VhdxFile.OpenAsync(_storage, topPath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (top.ConfigureAwait(false))
        {
            if ((await top.GetAllocationAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                throw new InvalidOperationException("The writable top holds data; seal it before adopting a layer over its parent.");
            }
        }
    }
}
