using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Client;

/// <summary>
/// Pulls a desktop's chain from its host into a local <see cref="LayerStore"/> (check-out): the base
/// into the <see cref="BaseImageStore"/> unless it is there already (by content address), then every
/// layer the local chain lacks, oldest first, each staged as <c>staging-pull-&lt;id&gt;.avhdx</c> in the
/// layer directory and adopted with the host's id. Progress is durable in the twin-copy store
/// <c>pulls</c> of the work directory, so a pull that stops for any reason (a cancel, a cut
/// connection, a killed process) resumes from its last checkpoint when run again.
/// </summary>
public sealed class ChainPuller
{
    private const string LedgerName = "pulls";

    private readonly TransferClient _client;
    private readonly BaseImageStore _bases;
    private readonly string _workDirectory;
    private readonly PullOptions _options;
    private readonly IStorage _storage;
    private readonly TimeProvider _time;

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
        _options = options ?? new PullOptions();
        _storage = storage ?? FileStorage.Instance;
        _time = timeProvider ?? TimeProvider.System;
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
        _storage.CreateDirectory(_workDirectory);
        var chain = await _client.GetChainManifestAsync(cancellationToken).ConfigureAwait(false);
        var ledger = await TwinCopyStore.OpenJsonAsync(_storage, Path.Combine(_workDirectory, LedgerName), PullLedgerJsonContext.Default.PullLedger, cancellationToken).ConfigureAwait(false);
        await using (ledger.ConfigureAwait(false))
        {
            var store = await OpenOrCreateStoreAsync(layerDirectory, chain.Base, ledger, progress, cancellationToken).ConfigureAwait(false);
            try
            {
                var comparison = ChainComparison.Compare(store.Manifest, chain, merged);
                if (comparison.Diverged)
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                    _ = await DivergedBranches.SetAsideAsync(_storage, layerDirectory, cancellationToken).ConfigureAwait(false);
                    store = await OpenOrCreateStoreAsync(layerDirectory, chain.Base, ledger, progress, cancellationToken).ConfigureAwait(false);
                    comparison = ChainComparison.Compare(store.Manifest, chain);
                }

                var missing = comparison.ToPull;
                var meter = new ProgressMeter(missing.Sum(layer => (long)layer.PresentBytes), progress, _time);
                foreach (var layer in missing)
                {
                    await PullLayerAsync(store, layer, ledger, meter, cancellationToken).ConfigureAwait(false);
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
            : await PullBaseAsync(baseInfo, ledger, progress, cancellationToken).ConfigureAwait(false);
        return await LayerStore.CreateAsync(_storage, layerDirectory, image.Path, image.Address, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pulls the base into a staging VHDX of the work directory (1 MiB blocks, one reserved for each
    /// non-zero chunk the host's base manifest lists, so every chunk written is reachable after a
    /// kill and claimed by hash on resume), then adopts that file into the base store. A BLAKE3
    /// manifest gives the content address itself (ADR 0008): one that does not give the announced
    /// address is refused before anything is fetched, and the store adopts the file by the verified
    /// chunks' hashes without reading it back. Otherwise the store hashes the file in place; content
    /// of another address is refused, the staging file and its progress are dropped.
    /// </summary>
    private async Task<BaseImage> PullBaseAsync(BaseImageInfo info, TwinCopyJsonStore<PullLedger> ledger, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        if (info.ContentAddress.Length != 64 || !info.ContentAddress.All(char.IsAsciiHexDigitLower))
        {
            throw new ChunkManifestException($"Chain manifest: '{info.ContentAddress}' is not a content address.");
        }

        var key = $"{_client.DesktopId}/base:{info.ContentAddress}";
        var staged = Path.Combine(_workDirectory, $"base-{info.ContentAddress}.vhdx");
        var manifest = await FetchManifestAsync(new GetLayerManifestRequest { BaseContentAddress = info.ContentAddress }, null, cancellationToken).ConfigureAwait(false);
        var verifiedChunks = VerifiedChunksOf(info, manifest);
        var geometry = VhdxCreateOptions.Dynamic((long)info.VirtualSize, blockSize: ChunkLayout.MaxChunkLength, logicalSectorSize: (int)info.LogicalSectorSize, physicalSectorSize: (int)Math.Max(info.PhysicalSectorSize, info.LogicalSectorSize));
        await StartStagingAsync(staged, key, geometry, manifest, ledger, _workDirectory, cancellationToken).ConfigureAwait(false);
        var meter = new ProgressMeter(manifest.PresentBytes, progress, _time);
        await FetchIntoAsync(staged, key, new ChunkRequest { BaseContentAddress = info.ContentAddress }, manifest, ledger, meter, cancellationToken).ConfigureAwait(false);
        BaseImage image;
        try
        {
            using var activity = TransferActivities.Source.StartActivity(TransferActivities.AdoptBase);
            image = verifiedChunks is null
                ? await _bases.AdoptVhdxAsync(staged, info.ContentAddress, cancellationToken).ConfigureAwait(false)
                : await _bases.AdoptVhdxAsync(staged, info.ContentAddress, verifiedChunks, cancellationToken).ConfigureAwait(false);
        }
        catch (BaseImageAddressException mismatch)
        {
            await ForgetAsync(ledger, key, staged, CancellationToken.None).ConfigureAwait(false);
            throw new ChunkManifestException($"The pulled base image does not have the address the chain names: {mismatch.Message}", mismatch);
        }

        await ForgetAsync(ledger, key, null, cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>
    /// The base manifest's chunks when they give the content address (BLAKE3, on the 1 MiB grid),
    /// or null when only hashing the pulled file can tell it.
    /// </summary>
    /// <exception cref="ChunkManifestException">The chunks give another address than the chain manifest names.</exception>
    private static List<(ChunkSpan Span, ReadOnlyMemory<byte> Blake3)>? VerifiedChunksOf(BaseImageInfo info, LayerManifest manifest)
    {
        if (manifest.Algorithm != ChunkHashAlgorithm.Blake3)
        {
            return null;
        }

        List<(ChunkSpan Span, ReadOnlyMemory<byte> Blake3)> chunks = [.. manifest.Chunks.Select(chunk => (chunk.Span, chunk.Hash))];
        return BaseImageAddress.FromChunkHashes((long)info.VirtualSize, (int)info.LogicalSectorSize, chunks) switch
        {
            null => null,
            var address when address == info.ContentAddress => chunks,
            var address => throw new ChunkManifestException($"The base manifest gives the content address {address}, not {info.ContentAddress} as the chain manifest names."),
        };
    }

    private async Task PullLayerAsync(LayerStore store, LayerInfo layer, TwinCopyJsonStore<PullLedger> ledger, ProgressMeter meter, CancellationToken cancellationToken)
    {
        if (!LayerIds.TryParse(layer.LayerId, out var id) || !LayerIds.TryParseParent(layer.ParentLayerId, out var parentId) || layer.SealedAt is null || layer.CreatedAt is null)
        {
            throw new ChunkManifestException($"Chain manifest: layer '{layer.LayerId}' over '{layer.ParentLayerId}' is malformed.");
        }

        var key = $"{_client.DesktopId}/layer:{layer.LayerId}";
        var staged = store.StagingPathOf($"pull-{layer.LayerId}.avhdx");
        var manifest = await FetchManifestAsync(new GetLayerManifestRequest { LayerId = layer.LayerId }, layer.ManifestHash.Memory, cancellationToken).ConfigureAwait(false);
        await StartStagingAsync(staged, key, VhdxCreateOptions.Differencing(store.AdoptionParentPath), manifest, ledger, store.Directory, cancellationToken).ConfigureAwait(false);
        await FetchIntoAsync(staged, key, new ChunkRequest { LayerId = layer.LayerId }, manifest, ledger, meter, cancellationToken).ConfigureAwait(false);
        using (TransferActivities.Source.StartActivity(TransferActivities.AdoptLayer))
        {
            _ = await store.AdoptSealedLayerAsync(staged, id, parentId, layer.CreatedAt.ToDateTimeOffset(), layer.SealedAt.ToDateTimeOffset(), cancellationToken).ConfigureAwait(false);
        }

        await ForgetAsync(ledger, key, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the staging file of <paramref name="key"/> when the ledger knows it, else creates it
    /// afresh and records it (no chunk done), so a resume keeps it and stale progress of a lost file
    /// is never trusted. A dynamic (base) file gets a block reserved under every chunk of the
    /// manifest, so chunk writes change no metadata and are whole in the file as soon as written.
    /// </summary>
    private async Task StartStagingAsync(string staged, string key, VhdxCreateOptions options, LayerManifest manifest, TwinCopyJsonStore<PullLedger> ledger, string directory, CancellationToken cancellationToken)
    {
        if (_storage.FileExists(staged) && ledger.Read()?.Find(key) is not null)
        {
            return;
        }

        await _storage.DeleteAsync(staged, cancellationToken).ConfigureAwait(false);
        var created = await VhdxFile.CreateAsync(_storage, staged, options, cancellationToken).ConfigureAwait(false);
        await using (created.ConfigureAwait(false))
        {
            if (created.DiskType == VhdxDiskType.Dynamic)
            {
                foreach (var chunk in manifest.Chunks)
                {
                    await created.ReserveBlocksAsync(chunk.Span.Offset, chunk.Span.Length, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await _storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        _ = await ledger.UpdateAsync(current => (current ?? new PullLedger([])).With(new PullEntry(key, manifest.Hash.ToArray(), [])), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fetches the manifest's chunks into the staging file.</summary>
    private async Task FetchIntoAsync(string staged, string key, ChunkRequest source, LayerManifest manifest, TwinCopyJsonStore<PullLedger> ledger, ProgressMeter meter, CancellationToken cancellationToken)
    {
        using var activity = TransferActivities.Source.StartActivity(TransferActivities.Chunks);
        var target = await VhdxFile.OpenAsync(_storage, staged, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            using var fetcher = new ChunkFetcher(_client, ledger, key, source, manifest, target, _options, meter, _time);
            await fetcher.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<LayerManifest> FetchManifestAsync(GetLayerManifestRequest request, ReadOnlyMemory<byte>? expectedHash, CancellationToken cancellationToken)
    {
        using var activity = TransferActivities.Source.StartActivity(TransferActivities.Manifest);
        return await _client.GetLayerManifestAsync(request, expectedHash, cancellationToken).ConfigureAwait(false);
    }

    private async Task ForgetAsync(TwinCopyJsonStore<PullLedger> ledger, string key, string? staged, CancellationToken cancellationToken)
    {
        if (staged is not null)
        {
            await _storage.DeleteAsync(staged, cancellationToken).ConfigureAwait(false);
        }

        _ = await ledger.UpdateAsync(current => (current ?? new PullLedger([])).Without(key), cancellationToken).ConfigureAwait(false);
    }
}
