using System.Collections.Concurrent;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Grpc.Core;

namespace Broker.Transfer.Host;

/// <summary>
/// Receives pushed layers: stages each into <c>staging-push-&lt;id&gt;.avhdx</c> beside where it will
/// live (a differencing child of the parent its <see cref="PushTarget"/> names), verifies every chunk
/// against the header's manifest, checkpoints (flush, then the durable chunk count in the ledger) as
/// a group commit — after <see cref="TransferHostOptions.PushCheckpointInterval"/> or
/// <see cref="TransferHostOptions.PushCheckpointBytes"/> — and on commit flushes and hands the
/// file to the target: <see cref="LayerStore.AdoptSealedLayerAsync"/> for the chain,
/// <see cref="LayerQuarantine.AddAsync"/> for a revoked device's late push (rename, directory flush,
/// then the durable record).
/// A push is recorded in the ledger at its first checkpoint, with the header's chunk list beside the
/// staging file (<see cref="StagedChunkList"/>), so after a killed host process
/// <see cref="GetStatusAsync"/> claims the chunks the staging file holds beyond the last checkpoint by
/// hash and the client re-sends only what never reached the file. A push that commits before its
/// first checkpoint (a small sync) is never recorded: it costs no ledger writes, and a host killed
/// before its commit has nothing durable to resume from.
/// A status call for a chain push with nothing recorded creates the staging file ahead, while the
/// client still hashes its layer. One push per desktop at a time.
/// </summary>
internal sealed partial class PushReceiver(IStorage storage, IDesktopRegistry registry, LayerManifestCache manifests, TransferHostOptions options, TimeProvider time) : IDisposable
{
    private const string LedgerName = LayerStore.StagingPrefix + "pushes";

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _desktopLocks = new(StringComparer.Ordinal);

    /// <summary>Per desktop, the open staging file created ahead of its next push (under the desktop's gate).</summary>
    private readonly ConcurrentDictionary<string, PreparedStaging> _prepared = new(StringComparer.Ordinal);

    public async Task<PushStatus> GetStatusAsync(PushTarget target, long layerId, CancellationToken cancellationToken)
    {
        var gate = _desktopLocks.GetOrAdd(target.Desktop.DesktopId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var status = new PushStatus { LayerId = LayerIds.Format(layerId) };
            target.DescribeCommitted(layerId, status);
            if (status.Committed)
            {
                return status;
            }

            await using var ledger = await OpenLedgerAsync(target.Desktop.Layers, cancellationToken).ConfigureAwait(false);
            if (ledger.Read()?.Find(layerId, target.Epoch) is { } progress)
            {
                if (storage.FileExists(StagedPath(target, layerId)))
                {
                    status.DurableChunkCount = (ulong)await ReclaimAsync(ledger, target, progress, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (target.LikelyStagingParentPath is { } parentPath)
            {
                await PrepareAheadAsync(target, layerId, parentPath, cancellationToken).ConfigureAwait(false);
            }

            return status;
        }
        finally
        {
            _ = gate.Release();
        }
    }

    public async Task<PushResult> ReceiveAsync(PushTarget target, PushHeader header, IAsyncStreamReader<PushMessage> messages, CancellationToken cancellationToken)
    {
        if (!LayerIds.TryParse(header.LayerId, out var id) || !LayerIds.TryParseParent(header.ParentLayerId, out var parentId))
        {
            throw TransferErrors.Invalid($"'{header.LayerId}' over '{header.ParentLayerId}' is not a layer id over a parent id.");
        }

        var gate = _desktopLocks.GetOrAdd(target.Desktop.DesktopId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = target.Desktop.Layers;
            var result = target.NewResult(header.LayerId);
            result.Final = header.Final;
            if (await target.HoldsAsync(id, header.ManifestHash, manifests, result, cancellationToken).ConfigureAwait(false))
            {
                return result;
            }

            string parentPath;
            LayerManifest manifest;
            try
            {
                parentPath = target.StagingParentPath(id, parentId, header.ParentLayerId);
                manifest = CheckHeader(header, store.Manifest);
            }
            catch (RpcException)
            {
                // A refused push leaves nothing behind, not even the staging file made ready for it.
                await DiscardPreparedAsync(target.Desktop.DesktopId, cancellationToken).ConfigureAwait(false);
                throw;
            }

            await using var ledger = await OpenLedgerAsync(store, cancellationToken).ConfigureAwait(false);
            var staged = StagedPath(target, id);
            var fresh = new PushProgress(id, parentId, target.Epoch, manifest.Hash.ToArray(), 0, time.GetUtcNow());
            var staging = await PrepareStagingAsync(ledger, target, parentPath, fresh, cancellationToken).ConfigureAwait(false);
            await using (staging.File.ConfigureAwait(false))
            {
                if (header.FirstChunkIndex > (ulong)staging.Durable)
                {
                    throw TransferErrors.Rejected(TransferRejection.Integrity, $"The push resumes at chunk {header.FirstChunkIndex}, the host holds {staging.Durable} durably.");
                }

                await ReceiveChunksAsync(ledger, staging, target, header, fresh, manifest, messages, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                // Every chunk is verified and durable: the commit runs to its end even when the
                // client goes away now (its cancellation must not cut a commit in half). The epoch
                // is checked again with the desktop's authority held: a revoke during the push
                // turns it stale, and its layer never reaches the chain.
                await registry.WithSettledAuthorityAsync(
                    target.Desktop.DesktopId,
                    async current =>
                    {
                        target.EnsureStillCurrent(current);
                        await target.CommitAsync(staged, header, id, parentId, CancellationToken.None).ConfigureAwait(false);
                    },
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException)
            {
                throw TransferErrors.Rejected(TransferRejection.Integrity, $"Layer {id} could not be committed: {exception.Message}");
            }
            catch (RpcException)
            {
                // Stale: what the push staged can never be committed; it goes with its record.
                await ForgetAsync(ledger, target, fresh).ConfigureAwait(false);
                await storage.DeleteAsync(staged, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            PushCrashPoints.Committed.Hit();

            // What the push kept to resume goes now, even when the client has gone: its ledger
            // entry, and its chunk list, also one an earlier attempt wrote before a kill cut it off
            // ahead of its ledger entry (this attempt then ran unrecorded).
            await ForgetAsync(ledger, target, fresh).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _ = gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var gate in _desktopLocks.Values)
        {
            gate.Dispose();
        }

        foreach (var prepared in _prepared.Values)
        {
            prepared.File.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _prepared.Clear();
    }

    /// <summary>Removes what a push kept to resume (its ledger entry and chunk list), even when its client has gone.</summary>
    private async Task ForgetAsync(TwinCopyJsonStore<PushLedger> ledger, PushTarget target, PushProgress push)
    {
        if (ledger.Read()?.Find(push.LayerId, push.Epoch) is not null)
        {
            _ = await ledger.UpdateAsync(current => (current ?? new PushLedger([])).Without(push), CancellationToken.None).ConfigureAwait(false);
        }

        await storage.DeleteAsync(ChunkListPath(target, push.LayerId), CancellationToken.None).ConfigureAwait(false);
    }

    private static string StagedPath(PushTarget target, long layerId) => target.StagingPathOf($"push-{LayerIds.Format(layerId)}.avhdx");

    private static string ChunkListPath(PushTarget target, long layerId) => target.StagingPathOf($"push-{LayerIds.Format(layerId)}.chunks");

    private static LayerManifest CheckHeader(PushHeader header, Disks.Layers.ChainManifest chain)
    {
        if (header.VirtualSize != (ulong)chain.VirtualSize || header.LogicalSectorSize != (uint)chain.LogicalSectorSize)
        {
            throw TransferErrors.Rejected(TransferRejection.Integrity, "The pushed layer's geometry differs from the chain's.");
        }

        if (header.SealedAt is null || header.CreatedAt is null)
        {
            throw TransferErrors.Invalid("A push header carries the layer's creation and seal times.");
        }

        LayerManifest manifest;
        try
        {
            manifest = LayerManifest.FromWire(header.HashAlgorithm, header.Chunks, header.ManifestHash, chain.VirtualSize, chain.LogicalSectorSize);
        }
        catch (ChunkManifestException exception)
        {
            throw TransferErrors.Rejected(TransferRejection.Integrity, exception.Message);
        }

        if (header.ChunkCount != (ulong)manifest.Chunks.Count || header.PresentBytes != (ulong)manifest.PresentBytes)
        {
            throw TransferErrors.Rejected(TransferRejection.Integrity, "The push header's chunk count or present bytes contradict its chunk list.");
        }

        return manifest;
    }

    private Task<TwinCopyJsonStore<PushLedger>> OpenLedgerAsync(LayerStore store, CancellationToken cancellationToken) =>
        TwinCopyStore.OpenJsonAsync(storage, Path.Combine(store.Directory, LedgerName), PushLedgerJsonContext.Default.PushLedger, cancellationToken).AsTask();

    /// <summary>
    /// Opens the staging file whose ledger entry matches <paramref name="fresh"/> (same parent, epoch
    /// and manifest) with its durable chunk count; otherwise forgets a stale entry and creates a new,
    /// unrecorded staging file over <paramref name="parentPath"/> (recorded at its first checkpoint).
    /// </summary>
    private async Task<PushStaging> PrepareStagingAsync(TwinCopyJsonStore<PushLedger> ledger, PushTarget target, string parentPath, PushProgress fresh, CancellationToken cancellationToken)
    {
        var staged = StagedPath(target, fresh.LayerId);
        var recorded = ledger.Read()?.Find(fresh.LayerId, fresh.Epoch);
        if (recorded is not null && storage.FileExists(staged) && recorded.ParentId == fresh.ParentId
            && recorded.ManifestHash.AsSpan().SequenceEqual(fresh.ManifestHash))
        {
            var kept = await VhdxFile.OpenAsync(storage, staged, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
            return new PushStaging(kept, recorded.DurableChunks, recorded: true);
        }

        if (recorded is not null)
        {
            _ = await ledger.UpdateAsync(current => (current ?? new PushLedger([])).Without(recorded), cancellationToken).ConfigureAwait(false);
        }

        if (TakePrepared(target.Desktop.DesktopId) is { } prepared)
        {
            if (prepared.LayerId == fresh.LayerId && prepared.Epoch == fresh.Epoch && string.Equals(prepared.ParentPath, parentPath, StringComparison.Ordinal))
            {
                return new PushStaging(prepared.File, 0, recorded: false);
            }

            await prepared.File.DisposeAsync().ConfigureAwait(false);
            await storage.DeleteAsync(prepared.Path, cancellationToken).ConfigureAwait(false);
        }

        return new PushStaging(await CreateStagingAsync(staged, parentPath, cancellationToken).ConfigureAwait(false), 0, recorded: false);
    }

    private async Task<VhdxFile> CreateStagingAsync(string staged, string parentPath, CancellationToken cancellationToken)
    {
        await storage.DeleteAsync(staged, cancellationToken).ConfigureAwait(false);
        return await VhdxFile.CreateAsync(storage, staged, VhdxCreateOptions.Differencing(parentPath), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the staging file of a push whose status was asked (nothing of it is recorded) over
    /// <paramref name="parentPath"/>, while its client still hashes the layer: the push's header
    /// then finds it ready. Replaces the desktop's earlier one; it stays unrecorded until the push's
    /// first checkpoint, like any new staging file.
    /// </summary>
    private async Task PrepareAheadAsync(PushTarget target, long layerId, string parentPath, CancellationToken cancellationToken)
    {
        await DiscardPreparedAsync(target.Desktop.DesktopId, cancellationToken).ConfigureAwait(false);
        var staged = StagedPath(target, layerId);
        var file = await CreateStagingAsync(staged, parentPath, cancellationToken).ConfigureAwait(false);
        _prepared[target.Desktop.DesktopId] = new PreparedStaging(layerId, target.Epoch, parentPath, staged, file);
    }

    /// <summary>Removes the desktop's staging file created ahead, if any: its push was refused.</summary>
    public async Task DiscardPreparedAsync(string desktopId, CancellationToken cancellationToken)
    {
        if (TakePrepared(desktopId) is { } prepared)
        {
            await prepared.File.DisposeAsync().ConfigureAwait(false);
            await storage.DeleteAsync(prepared.Path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the desktop's staging file created ahead (the caller owns it then); null when there is none.</summary>
    private PreparedStaging? TakePrepared(string desktopId) => _prepared.TryRemove(desktopId, out var prepared) ? prepared : null;

    /// <summary>
    /// Claims the chunks after <paramref name="progress"/>'s durable count that the staging file holds
    /// whole (written before the host process died, not yet recorded): flushes the file and records
    /// them. Returns the durable chunk count.
    /// </summary>
    private async Task<long> ReclaimAsync(TwinCopyJsonStore<PushLedger> ledger, PushTarget target, PushProgress progress, CancellationToken cancellationToken)
    {
        var manifest = await StagedChunkList.TryReadAsync(storage, ChunkListPath(target, progress.LayerId), progress.ManifestHash, target.Desktop.Layers.Manifest, cancellationToken).ConfigureAwait(false);
        if (manifest is null || progress.DurableChunks >= manifest.Chunks.Count)
        {
            return progress.DurableChunks;
        }

        var file = await VhdxFile.OpenAsync(storage, StagedPath(target, progress.LayerId), new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            using var probe = new HeldChunkProbe(file, manifest);
            var held = await probe.CountHeldFromAsync((int)progress.DurableChunks, cancellationToken).ConfigureAwait(false);
            return await CheckpointAsync(ledger, file, progress, held, progress.DurableChunks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the header's chunks from its first index into the staging file until the commit
    /// message, checkpointing as a group commit; a push that fails on the way keeps what was written
    /// (one more checkpoint) for a resume. A push that succeeds needs no last checkpoint: the staging
    /// file is flushed when it is closed, before the commit.
    /// </summary>
    private async Task ReceiveChunksAsync(
        TwinCopyJsonStore<PushLedger> ledger,
        PushStaging staging,
        PushTarget target,
        PushHeader header,
        PushProgress push,
        LayerManifest manifest,
        IAsyncStreamReader<PushMessage> messages,
        CancellationToken cancellationToken)
    {
        var next = (long)header.FirstChunkIndex;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkLayout.MaxChunkLength);
        using var verifier = new ChunkVerifier(manifest.Algorithm);
        var received = false;
        try
        {
            var committed = false;
            var lastCheckpoint = time.GetTimestamp();
            var bytesSinceCheckpoint = 0L;
            while (!committed && await messages.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var message = messages.Current;
                switch (message.KindCase)
                {
                    case PushMessage.KindOneofCase.Chunk:
                        await WriteChunkAsync(staging.File, verifier, manifest, next, message.Chunk, buffer, cancellationToken).ConfigureAwait(false);
                        next++;
                        bytesSinceCheckpoint += message.Chunk.Length;
                        if (bytesSinceCheckpoint >= options.PushCheckpointBytes || time.GetElapsedTime(lastCheckpoint) >= options.PushCheckpointInterval)
                        {
                            await CheckpointAsync(ledger, staging, target, header, push, next, cancellationToken).ConfigureAwait(false);
                            lastCheckpoint = time.GetTimestamp();
                            bytesSinceCheckpoint = 0;
                        }

                        break;
                    case PushMessage.KindOneofCase.Commit:
                        committed = true;
                        break;
                    default:
                        throw TransferErrors.Invalid("After the header a push carries chunks and then its commit.");
                }
            }

            if (!committed)
            {
                throw TransferErrors.Invalid("The push ended without its commit.");
            }

            if (next != manifest.Chunks.Count)
            {
                throw TransferErrors.Rejected(TransferRejection.Integrity, $"The push carried {next} of {manifest.Chunks.Count} chunks.");
            }

            received = true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);

            // What was written is whole (a chunk is written before it counts): keep it for a resume.
            if (!received)
            {
                await CheckpointAsync(ledger, staging, target, header, push, next, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteChunkAsync(VhdxFile file, ChunkVerifier verifier, LayerManifest manifest, long index, ChunkData chunk, byte[] buffer, CancellationToken cancellationToken)
    {
        if (index >= manifest.Chunks.Count)
        {
            throw TransferErrors.Rejected(TransferRejection.Integrity, $"The push carries more than the {manifest.Chunks.Count} chunks it declared.");
        }

        var expected = manifest.Chunks[(int)index];
        if (chunk.Offset != (ulong)expected.Span.Offset || chunk.Length != (uint)expected.Span.Length)
        {
            throw TransferErrors.Rejected(TransferRejection.Integrity, $"Chunk {index} is at {chunk.Offset}+{chunk.Length}, the manifest says {expected.Span.Offset}+{expected.Span.Length}.");
        }

        ReadOnlyMemory<byte> data;
        try
        {
            var verified = verifier.Verify(expected.Span, chunk.Compression == Compression.Zstd, chunk.Data.Span, expected.Hash.Span, buffer);
            data = chunk.Compression == Compression.Zstd ? buffer.AsMemory(0, verified.Length) : chunk.Data.Memory;
        }
        catch (ChunkIntegrityException exception)
        {
            throw TransferErrors.Rejected(TransferRejection.Integrity, exception.Message);
        }

        await file.WriteAsync(expected.Span.Offset, data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes chunks [0, <paramref name="next"/>) of <paramref name="staging"/> durable and records them;
    /// the first checkpoint of a new push also writes its chunk list and flushes the directory, so
    /// the ledger never names a staging file or chunk list that a power loss could take away.
    /// </summary>
    private async Task CheckpointAsync(TwinCopyJsonStore<PushLedger> ledger, PushStaging staging, PushTarget target, PushHeader header, PushProgress push, long next, CancellationToken cancellationToken)
    {
        if (next <= staging.Durable)
        {
            return;
        }

        if (staging.Recorded)
        {
            staging.Durable = await CheckpointAsync(ledger, staging.File, push, next, staging.Durable, cancellationToken).ConfigureAwait(false);
            return;
        }

        await staging.File.FlushAsync(cancellationToken).ConfigureAwait(false);
        await StagedChunkList.WriteAsync(storage, ChunkListPath(target, push.LayerId), header, cancellationToken).ConfigureAwait(false);
        await storage.FlushDirectoryAsync(target.StagingDirectory, cancellationToken).ConfigureAwait(false);
        _ = await ledger.UpdateAsync(current => (current ?? new PushLedger([])).With(push with { DurableChunks = next, CheckpointedAt = time.GetUtcNow() }), cancellationToken).ConfigureAwait(false);
        staging.Recorded = true;
        staging.Durable = next;
    }

    /// <summary>Flushes the staging file, then records <paramref name="next"/> chunks as durable; returns the new durable count.</summary>
    private async Task<long> CheckpointAsync(TwinCopyJsonStore<PushLedger> ledger, VhdxFile file, PushProgress push, long next, long durable, CancellationToken cancellationToken)
    {
        if (next <= durable)
        {
            return durable;
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _ = await ledger.UpdateAsync(
            current =>
            {
                var pushes = current ?? new PushLedger([]);
                return pushes.Find(push.LayerId, push.Epoch) is { } entry ? pushes.With(entry with { DurableChunks = next, CheckpointedAt = time.GetUtcNow() }) : pushes;
            },
            cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>A staging file created ahead of the push of <paramref name="LayerId"/> under <paramref name="Epoch"/> over <paramref name="ParentPath"/>.</summary>
    private sealed record PreparedStaging(long LayerId, ulong Epoch, string ParentPath, string Path, VhdxFile File);
}
