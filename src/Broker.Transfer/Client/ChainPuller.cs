using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Client;

/// <summary>
/// Pulls a desktop's chain from its host into a local <see cref="LayerStore"/> (check-out): the base
/// into the <see cref="BaseImageStore"/> unless it is there already (by content address), then every
/// layer the local chain lacks, oldest first, each staged as <c>staging-pull-&lt;id&gt;.avhdx</c> in the
/// layer directory and adopted with the host's id. After a divergence the layers both sides shared
/// are copied from the branch set aside, chunk by verified chunk, not fetched again. Progress is durable in the twin-copy store
/// <c>pulls</c> of the work directory, so a pull that stops for any reason (a cancel, a cut
/// connection, a killed process) resumes from its last checkpoint when run again.
/// </summary>
public sealed class ChainPuller
{
    private const string LedgerName = "pulls";

    private readonly TransferClient _client;
    private readonly BaseImageStore _bases;
    private readonly string _workDirectory;
    private readonly IStorage _storage;
    private readonly TimeProvider _time;
    private readonly StagedFetch _fetch;

    /// <param name="client">Calls under a pull ticket.</param>
    /// <param name="bases">Where base images go; the caller owns it.</param>
    /// <param name="workDirectory">Pull progress and base staging; not inside a layer directory.</param>
    /// <param name="options">Streams, checkpoints, limits.</param>
    /// <param name="storage">Durable I/O; <see cref="FileStorage.Instance"/> when null.</param>
    /// <param name="timeProvider">Clock for progress rates and layer records.</param>
    public ChainPuller(TransferClient client, BaseImageStore bases, string workDirectory, PullOptions? options = null, IStorage? storage = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        _client = client;
        _bases = bases;
        _workDirectory = Path.GetFullPath(workDirectory);
        _storage = storage ?? FileStorage.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _fetch = new StagedFetch(client, options ?? new PullOptions(), _storage, _time);
    }

    /// <summary>As <see cref="PullAsync(string, IReadOnlyDictionary{long, IReadOnlyList{long}}?, IProgress{TransferProgress}?, CancellationToken)"/> for a chain without local merges.</summary>
    public Task<LayerStore> PullAsync(string layerDirectory, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        PullAsync(layerDirectory, null, progress, cancellationToken);

    /// <summary>
    /// Pulls the host's current chain into <paramref name="layerDirectory"/> (created, or opened and
    /// completed) and returns the open store; the caller disposes it. An existing chain is compared
    /// with the host's (<see cref="ChainComparison"/>, <paramref name="merged"/> naming the host layers
    /// each local merge stands for): the layers after the last common one are pulled; local layers
    /// the host lacks stay (they are for a push) unless the host has moved on too. Then the local
    /// chain is a diverged branch: it is never overwritten but set aside whole, as it is, in a
    /// directory beside <paramref name="layerDirectory"/> (<see cref="DivergedBranches"/>), and the
    /// host's chain is pulled afresh in its place.
    /// </summary>
    /// <exception cref="ChunkIntegrityException">Chunks kept failing verification.</exception>
    /// <exception cref="ChunkManifestException">A manifest from the host is malformed or does not match the chain manifest.</exception>
    public async Task<LayerStore> PullAsync(string layerDirectory, IReadOnlyDictionary<long, IReadOnlyList<long>>? merged, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(layerDirectory);
        using var activity = TransferActivities.Source.StartActivity(TransferActivities.Pull);
        _storage.CreateDirectory(_workDirectory);
        var chain = await _client.GetChainManifestAsync(cancellationToken).ConfigureAwait(false);
        var ledger = await TwinCopyStore.OpenJsonAsync(_storage, Path.Combine(_workDirectory, LedgerName), PullLedgerJsonContext.Default.PullLedger, cancellationToken).ConfigureAwait(false);
        await using (ledger.ConfigureAwait(false))
        {
            var store = await OpenOrCreateStoreAsync(layerDirectory, chain.Base, ledger, progress, cancellationToken).ConfigureAwait(false);
            try
            {
                var comparison = ChainComparison.Compare(store.Manifest, chain, merged);
                IReadOnlyDictionary<string, string> donors = new Dictionary<string, string>();
                if (comparison.Diverged)
                {
                    var common = CommonLayerFiles(store, comparison, merged);
                    await store.DisposeAsync().ConfigureAwait(false);
                    var branch = await DivergedBranches.SetAsideAsync(_storage, layerDirectory, cancellationToken).ConfigureAwait(false);
                    donors = common.ToDictionary(pair => pair.Key, pair => Path.Combine(branch, pair.Value), StringComparer.Ordinal);
                    store = await OpenOrCreateStoreAsync(layerDirectory, chain.Base, ledger, progress, cancellationToken).ConfigureAwait(false);
                    comparison = ChainComparison.Compare(store.Manifest, chain);
                }

                var missing = comparison.ToPull;
                var meter = new ProgressMeter(missing.Sum(layer => (long)layer.PresentBytes), progress, _time);
                foreach (var layer in missing)
                {
                    await PullLayerAsync(store, layer, donors.GetValueOrDefault(layer.LayerId), ledger, meter, cancellationToken).ConfigureAwait(false);
                }

                return store;
            }
            catch
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task<LayerStore> OpenOrCreateStoreAsync(string layerDirectory, BaseImageInfo baseInfo, TwinCopyJsonStore<PullLedger> ledger, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return await LayerStore.OpenAsync(_storage, layerDirectory, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            // No chain yet: a new check-out.
        }

        var image = _bases.Find(baseInfo.ContentAddress) is { } held
            ? await _bases.AddReferenceAsync(held.Address, cancellationToken).ConfigureAwait(false)
            : await _fetch.PullBaseAsync(_bases, _workDirectory, baseInfo, null, ledger, progress, cancellationToken).ConfigureAwait(false);
        return await LayerStore.CreateAsync(_storage, layerDirectory, image.Path, image.Address, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The file names (in the layer directory) of the local layers the host's chain shares, by the
    /// host's layer id: a diverged chain set aside keeps them, and the host's chain pulled in its
    /// place takes their chunks from there rather than over the wire. A layer a local merge made
    /// stands for several host layers and is left out.
    /// </summary>
    private static Dictionary<string, string> CommonLayerFiles(LayerStore store, ChainComparison comparison, IReadOnlyDictionary<long, IReadOnlyList<long>>? merged)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        if (comparison.LastCommonLayerId is not { } last)
        {
            return files;
        }

        foreach (var layer in store.Manifest.CurrentChain())
        {
            if (merged?.ContainsKey(layer.Id) != true)
            {
                files[LayerIds.Format(layer.Id)] = Path.GetFileName(store.PathOf(layer));
            }

            if (layer.Id == last)
            {
                break;
            }
        }

        return files;
    }

    private async Task PullLayerAsync(LayerStore store, LayerInfo layer, string? donor, TwinCopyJsonStore<PullLedger> ledger, ProgressMeter meter, CancellationToken cancellationToken)
    {
        if (!LayerIds.TryParse(layer.LayerId, out var id) || !LayerIds.TryParseParent(layer.ParentLayerId, out var parentId) || layer.SealedAt is null || layer.CreatedAt is null)
        {
            throw new ChunkManifestException($"Chain manifest: layer '{layer.LayerId}' over '{layer.ParentLayerId}' is malformed.");
        }

        var key = $"{_client.DesktopId}/layer:{layer.LayerId}";
        var staged = store.StagingPathOf($"pull-{layer.LayerId}.avhdx");
        var manifest = await _fetch.FetchManifestAsync(new GetLayerManifestRequest { LayerId = layer.LayerId }, layer.ManifestHash.Memory, cancellationToken).ConfigureAwait(false);
        var staging = await _fetch.StartStagingAsync(staged, key, VhdxCreateOptions.Differencing(store.AdoptionParentPath), manifest, ledger, store.Directory, cancellationToken).ConfigureAwait(false);
        await _fetch.FetchIntoAsync(staging, new ChunkRequest { LayerId = layer.LayerId }, manifest, ledger, meter, cancellationToken, donor).ConfigureAwait(false);
        using (TransferActivities.Source.StartActivity(TransferActivities.AdoptLayer))
        {
            _ = await store.AdoptSealedLayerAsync(staged, id, parentId, layer.CreatedAt.ToDateTimeOffset(), layer.SealedAt.ToDateTimeOffset(), cancellationToken).ConfigureAwait(false);
        }

        await _fetch.ForgetAsync(ledger, key, null, cancellationToken).ConfigureAwait(false);
    }
}
