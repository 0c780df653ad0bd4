using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Client;

/// <summary>
/// What a chain pull and an image pull share: one source (a layer or a base image) fetched into a
/// staging VHDX whose progress is durable in a pull ledger, and a base adopted into the
/// <see cref="BaseImageStore"/> once it is whole and has the address it was pulled for.
/// </summary>
internal sealed class StagedFetch(TransferClient client, PullOptions options, IStorage storage, TimeProvider time)
{
    public TransferClient Client => client;

    /// <summary>
    /// Pulls the base into a staging VHDX of <paramref name="workDirectory"/> (1 MiB blocks, one
    /// reserved for each non-zero chunk the host's base manifest lists, so every chunk written is
    /// reachable after a kill and claimed by hash on resume), then adopts that file into
    /// <paramref name="bases"/>. A BLAKE3 manifest gives the content address itself (ADR 0008): one
    /// that does not give the announced address is refused before anything is fetched, and the store
    /// adopts the file by the verified chunks' hashes without reading it back. Otherwise the store
    /// hashes the file in place; content of another address is refused, the staging file and its
    /// progress are dropped. <paramref name="manifest"/> is the host's base manifest, when the caller
    /// fetched it already.
    /// </summary>
    /// <exception cref="ChunkManifestException">The address is malformed, or the manifest or the content gives another.</exception>
    public async Task<BaseImage> PullBaseAsync(
        BaseImageStore bases, string workDirectory, BaseImageInfo info, LayerManifest? manifest, TwinCopyJsonStore<PullLedger> ledger, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        if (!IsContentAddress(info.ContentAddress))
        {
            throw new ChunkManifestException($"'{info.ContentAddress}' is not a content address.");
        }

        var key = $"{client.DesktopId}/base:{info.ContentAddress}";
        var staged = Path.Combine(workDirectory, $"base-{info.ContentAddress}.vhdx");
        manifest ??= await FetchManifestAsync(new GetLayerManifestRequest { BaseContentAddress = info.ContentAddress }, null, cancellationToken).ConfigureAwait(false);
        var verifiedChunks = VerifiedChunksOf(info, manifest);
        var geometry = VhdxCreateOptions.Dynamic((long)info.VirtualSize, blockSize: ChunkLayout.MaxChunkLength, logicalSectorSize: (int)info.LogicalSectorSize, physicalSectorSize: (int)Math.Max(info.PhysicalSectorSize, info.LogicalSectorSize));
        var staging = await StartStagingAsync(staged, key, geometry, manifest, ledger, workDirectory, cancellationToken).ConfigureAwait(false);
        var meter = new ProgressMeter(manifest.PresentBytes, progress, time);
        await FetchIntoAsync(staging, new ChunkRequest { BaseContentAddress = info.ContentAddress }, manifest, ledger, meter, cancellationToken).ConfigureAwait(false);
        BaseImage image;
        try
        {
            using var activity = TransferActivities.Source.StartActivity(TransferActivities.AdoptBase);
            image = verifiedChunks is null
                ? await bases.AdoptVhdxAsync(staged, info.ContentAddress, cancellationToken).ConfigureAwait(false)
                : await bases.AdoptVhdxAsync(staged, info.ContentAddress, verifiedChunks, cancellationToken).ConfigureAwait(false);
        }
        catch (BaseImageAddressException mismatch)
        {
            await ForgetAsync(ledger, key, staged, CancellationToken.None).ConfigureAwait(false);
            throw new ChunkManifestException($"The pulled base image does not have the address it was pulled for: {mismatch.Message}", mismatch);
        }

        await ForgetAsync(ledger, key, null, cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>True for 64 lowercase hex digits, the wire's form of a content address.</summary>
    public static bool IsContentAddress(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// Keeps the staging file of <paramref name="key"/> when the ledger knows it, else creates it
    /// afresh and records it (no chunk done), so a resume keeps it and stale progress of a lost file
    /// is never trusted. A dynamic (base) file gets a block reserved under every chunk of the
    /// manifest, so chunk writes change no metadata and are whole in the file as soon as written.
    /// </summary>
    public async Task<StagingFile> StartStagingAsync(string staged, string key, VhdxCreateOptions createOptions, LayerManifest manifest, TwinCopyJsonStore<PullLedger> ledger, string directory, CancellationToken cancellationToken)
    {
        if (storage.FileExists(staged) && ledger.Read()?.Find(key) is not null)
        {
            return new StagingFile(staged, key, Fresh: false);
        }

        await storage.DeleteAsync(staged, cancellationToken).ConfigureAwait(false);
        var created = await VhdxFile.CreateAsync(storage, staged, createOptions, cancellationToken).ConfigureAwait(false);
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

        await storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        _ = await ledger.UpdateAsync(current => (current ?? new PullLedger([])).With(new PullEntry(key, manifest.Hash.ToArray(), [])), cancellationToken).ConfigureAwait(false);
        return new StagingFile(staged, key, Fresh: true);
    }

    /// <summary>
    /// Fetches the manifest's chunks into the staging file; those <paramref name="donor"/> (a local
    /// file of the same layer, when there is one) holds with the manifest's hash are copied from it
    /// instead.
    /// </summary>
    public async Task FetchIntoAsync(StagingFile staging, ChunkRequest source, LayerManifest manifest, TwinCopyJsonStore<PullLedger> ledger, ProgressMeter meter, CancellationToken cancellationToken, string? donor = null)
    {
        using var activity = TransferActivities.Source.StartActivity(TransferActivities.Chunks);
        var target = await VhdxFile.OpenAsync(storage, staging.Path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            var local = donor is not null && storage.FileExists(donor) ? await VhdxFile.OpenAsync(storage, donor, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false) : null;
            try
            {
                using var fetcher = new ChunkFetcher(client, ledger, staging.Key, source, manifest, target, staging.Fresh, options, meter, time, local);
                await fetcher.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (local is not null)
                {
                    await local.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    public async Task<LayerManifest> FetchManifestAsync(GetLayerManifestRequest request, ReadOnlyMemory<byte>? expectedHash, CancellationToken cancellationToken)
    {
        using var activity = TransferActivities.Source.StartActivity(TransferActivities.Manifest);
        return await client.GetLayerManifestAsync(request, expectedHash, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops <paramref name="key"/>'s progress, and its staging file when given.</summary>
    public async Task ForgetAsync(TwinCopyJsonStore<PullLedger> ledger, string key, string? staged, CancellationToken cancellationToken)
    {
        if (staged is not null)
        {
            await storage.DeleteAsync(staged, cancellationToken).ConfigureAwait(false);
        }

        _ = await ledger.UpdateAsync(current => (current ?? new PullLedger([])).Without(key), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The base manifest's chunks when they give the content address (BLAKE3, on the 1 MiB grid),
    /// or null when only hashing the pulled file can tell it.
    /// </summary>
    /// <exception cref="ChunkManifestException">The chunks give another address than the one pulled for.</exception>
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
            var address => throw new ChunkManifestException($"The base manifest gives the content address {address}, not {info.ContentAddress}."),
        };
    }
}
