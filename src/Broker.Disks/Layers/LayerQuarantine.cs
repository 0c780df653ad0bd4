using Broker.Disks.State;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Layers;

/// <summary>
/// A desktop's quarantine (design §5, "never two writers"): layers a revoked device pushed under its
/// old epoch, kept beside the chain and never applied to it, until an admin promotes one
/// (<see cref="LayerStore.GraftAsync"/>). A directory beside the layer directory holding one
/// differencing file per layer (<c>L-&lt;id&gt;.avhdx</c>, a child of the chain layer the device built
/// it on, so the chain reads it through its parent) and a twin-copy index (<c>index</c>).
/// </summary>
/// <remarks>
/// A layer arrives as a staging file of this directory (see <see cref="StagingPathOf"/>), is renamed
/// to its name, the directory flushed, and only then named by the index: a crash before the index
/// commit leaves a file <see cref="OpenAsync"/> deletes. Staging files belong to whoever stages them.
/// </remarks>
public sealed class LayerQuarantine : IAsyncDisposable
{
    private const string IndexName = "index";

    private readonly IStorage _storage;
    private readonly TimeProvider _time;
    private readonly TwinCopyJsonStore<QuarantineIndex> _index;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private LayerQuarantine(IStorage storage, string directory, TimeProvider time, TwinCopyJsonStore<QuarantineIndex> index)
    {
        _storage = storage;
        Directory = directory;
        _time = time;
        _index = index;
    }

    /// <summary>The quarantine directory.</summary>
    public string Directory { get; }

    /// <summary>Every quarantined layer, in arrival order (promoted ones included).</summary>
    public IReadOnlyList<QuarantinedLayerRecord> Layers => _index.Read()?.Layers ?? [];

    /// <summary>
    /// Opens (creating it when missing) the quarantine in <paramref name="directory"/> and deletes
    /// every file the index does not name, except staging files.
    /// </summary>
    /// <exception cref="StateStoreCorruptException">The index is damaged.</exception>
    public static async Task<LayerQuarantine> OpenAsync(IStorage storage, string directory, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory);
        storage.CreateDirectory(directory);
        var index = await TwinCopyStore.OpenJsonAsync(storage, Path.Combine(directory, IndexName), QuarantineIndexJsonContext.Default.QuarantineIndex, cancellationToken).ConfigureAwait(false);
        try
        {
            var named = (index.Read()?.Layers ?? []).Select(layer => layer.File).ToHashSet(StringComparer.Ordinal);
            named.UnionWith(LayerStore.StagingFiles(storage, directory));
            await StateDirectory.RemoveUnnamedAsync(storage, directory, IndexName, named, cancellationToken).ConfigureAwait(false);
            return new LayerQuarantine(storage, directory, timeProvider ?? TimeProvider.System, index);
        }
        catch
        {
            await index.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The quarantined layer <paramref name="id"/>, or null.</summary>
    public QuarantinedLayerRecord? Find(long id) => _index.Read()?.Find(id);

    /// <summary>Full path of a quarantined layer's file.</summary>
    public string PathOf(QuarantinedLayerRecord layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Path.Combine(Directory, layer.File);
    }

    /// <summary>Full path of staging file <c>staging-&lt;name&gt;</c> in the quarantine directory.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or holds a path separator.</exception>
    public string StagingPathOf(string name) => LayerStore.StagingPath(Directory, name);

    /// <summary>
    /// Takes the staged, flushed differencing file <paramref name="stagedPath"/> (a staging file of
    /// this directory, a child of the file of <paramref name="arrival"/>'s parent in
    /// <paramref name="chain"/>) in as a quarantined layer: checks it fits the chain, renames it to
    /// its name, flushes the directory, then commits the index. The chain is only read.
    /// </summary>
    /// <exception cref="ArgumentException">The staged file is not a staging file of this directory.</exception>
    /// <exception cref="InvalidOperationException">
    /// The quarantine holds layer <see cref="QuarantineArrival.Id"/> already, its parent is not a sealed
    /// layer of the chain, or the staged file does not fit the chain (type, geometry or parent).
    /// </exception>
    public async Task<QuarantinedLayerRecord> AddAsync(LayerStore chain, string stagedPath, QuarantineArrival arrival, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(arrival);
        ArgumentException.ThrowIfNullOrEmpty(stagedPath);
        stagedPath = Path.GetFullPath(stagedPath);
        if (!string.Equals(Path.GetDirectoryName(stagedPath), Directory, StringComparison.Ordinal)
            || !Path.GetFileName(stagedPath).StartsWith(LayerStore.StagingPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{stagedPath}' is not a staging file of '{Directory}'.", nameof(stagedPath));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(arrival.Id) is not null)
            {
                throw new InvalidOperationException($"The quarantine holds layer {arrival.Id} already.");
            }

            var parentPath = chain.SealedPathOf(arrival.ParentId)
                ?? throw new InvalidOperationException($"Layer {arrival.Id} sits on layer {arrival.ParentId}, which is not a sealed layer of the chain.");
            var hash = await StagedLayer.CheckAsync(_storage, stagedPath, parentPath, chain.Manifest, cancellationToken).ConfigureAwait(false);
            var file = LayerStore.LayerFileName(arrival.Id);
            var path = Path.Combine(Directory, file);
            await _storage.RenameAsync(stagedPath, path, cancellationToken).ConfigureAwait(false);
            await _storage.FlushDirectoryAsync(Directory, cancellationToken).ConfigureAwait(false);
            var layer = new QuarantinedLayerRecord(
                arrival.Id,
                arrival.ParentId,
                file,
                arrival.CreatedAt,
                arrival.SealedAt,
                hash,
                arrival.Epoch,
                arrival.DeviceId,
                await SizeOfAsync(path, cancellationToken).ConfigureAwait(false),
                _time.GetUtcNow());
            _ = await _index.UpdateAsync(current => (current ?? new QuarantineIndex([])).With(layer), cancellationToken).ConfigureAwait(false);
            return layer;
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Records that the broker heard of layer <paramref name="id"/>; a no-op for an unknown id.</summary>
    public Task MarkReportedAsync(long id, CancellationToken cancellationToken) =>
        ChangeAsync(id, layer => layer with { Reported = true }, cancellationToken);

    /// <summary>Records that layer <paramref name="id"/> became chain layer <paramref name="chainLayerId"/>; a no-op for an unknown id.</summary>
    public Task MarkPromotedAsync(long id, long chainLayerId, CancellationToken cancellationToken) =>
        ChangeAsync(id, layer => layer with { PromotedAs = chainLayerId }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _index.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task ChangeAsync(long id, Func<QuarantinedLayerRecord, QuarantinedLayerRecord> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(id) is { } layer && change(layer) is var changed && changed != layer)
            {
                _ = await _index.UpdateAsync(current => (current ?? new QuarantineIndex([])).With(changed), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    private async Task<long> SizeOfAsync(string path, CancellationToken cancellationToken)
    {
        var file = await _storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            return file.Length;
        }
    }
}
