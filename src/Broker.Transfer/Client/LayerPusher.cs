using System.Buffers;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Transfer.Client;

/// <summary>
/// Pushes sealed local layers to the host (background sync, check-in). A push asks the host how much
/// it already holds (<c>GetPushStatus</c>) and sends only the rest; the layer counts as acknowledged
/// locally only once the host's answer is recorded in the twin-copy store <c>acks</c> of the work
/// directory (design §7: a layer is deleted or merged only after that record).
/// </summary>
public sealed class LayerPusher
{
    private const string LedgerName = "acks";

    private readonly TransferClient _client;
    private readonly string _workDirectory;
    private readonly PullOptions _options;
    private readonly IStorage _storage;
    private readonly TimeProvider _time;

    /// <param name="client">Calls under a push ticket.</param>
    /// <param name="workDirectory">Where the acknowledgement record lives.</param>
    /// <param name="options">Rate limit and priority (background for syncs).</param>
    /// <param name="storage">Durable I/O; <see cref="FileStorage.Instance"/> when null.</param>
    /// <param name="timeProvider">Clock for progress rates.</param>
    public LayerPusher(TransferClient client, string workDirectory, PullOptions? options = null, IStorage? storage = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        _client = client;
        _workDirectory = Path.GetFullPath(workDirectory);
        _options = options ?? new PullOptions { Priority = TransferPriority.Background };
        _storage = storage ?? FileStorage.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>True when the host's acknowledgement of <paramref name="layerId"/> is durable locally.</summary>
    public async Task<bool> IsAcknowledgedAsync(long layerId, CancellationToken cancellationToken)
    {
        await using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        return ledger.Read()?.Acked.Contains(AckLedger.Key(_client.DesktopId, layerId)) == true;
    }

    /// <summary>
    /// Forgets the recorded acknowledgements of <paramref name="layerIds"/> (a resync found the host
    /// without them), so the next push of each sends it again.
    /// </summary>
    public async Task ForgetAcknowledgementsAsync(IReadOnlyCollection<long> layerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layerIds);
        _storage.CreateDirectory(_workDirectory);
        var keys = layerIds.Select(layerId => AckLedger.Key(_client.DesktopId, layerId)).ToHashSet(StringComparer.Ordinal);
        await using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        if (ledger.Read()?.Acked.Any(keys.Contains) == true)
        {
            _ = await ledger.UpdateAsync(current => new AckLedger([.. (current?.Acked ?? []).Where(entry => !keys.Contains(entry))]), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Pushes sealed layer <paramref name="layerId"/> of <paramref name="store"/> under
    /// <paramref name="epoch"/>, resuming from what the host holds, and records the acknowledgement.
    /// A rejection surfaces as the host's <see cref="Grpc.Core.RpcException"/> (see <see cref="TransferRejections.ReasonOf"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The store has no sealed layer <paramref name="layerId"/>.</exception>
    public Task<PushResult> PushAsync(LayerStore store, long layerId, ulong epoch, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        PushAsync(store, layerId, epoch, final: false, progress, cancellationToken);

    /// <summary>
    /// Pushes <paramref name="layerId"/> as the last layer of a check-in (<see cref="PushHeader.Final"/>):
    /// as <see cref="PushAsync(LayerStore, long, ulong, IProgress{TransferProgress}?, CancellationToken)"/>,
    /// but the host is asked even when the layer's acknowledgement is recorded here, so that it
    /// announces the final layer to the broker again after an interrupted check-in.
    /// </summary>
    /// <exception cref="ArgumentException">The store has no sealed layer <paramref name="layerId"/>.</exception>
    public Task<PushResult> PushFinalAsync(LayerStore store, long layerId, ulong epoch, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        PushAsync(store, layerId, epoch, final: true, progress, cancellationToken);

    private async Task<PushResult> PushAsync(LayerStore store, long layerId, ulong epoch, bool final, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var layer = store.Manifest.Find(layerId) ?? throw new ArgumentException($"The chain has no sealed layer {layerId}.", nameof(layerId));
        using var activity = TransferActivities.Source.StartActivity(TransferActivities.Push);
        _storage.CreateDirectory(_workDirectory);
        await using var ledger = await OpenLedgerAsync(cancellationToken).ConfigureAwait(false);
        var key = AckLedger.Key(_client.DesktopId, layerId);
        if (!final && ledger.Read()?.Acked.Contains(key) == true)
        {
            return new PushResult { LayerId = LayerIds.Format(layerId), AlreadyPresent = true, Epoch = epoch };
        }

        // The host's answer travels while the layer is hashed here.
        var statusCall = _client.GetPushStatusAsync(layerId, cancellationToken);
        var file = await VhdxFile.OpenAsync(_storage, store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        PushResult result;
        await using (file.ConfigureAwait(false))
        {
            LayerManifest manifest;
            using (TransferActivities.Source.StartActivity(TransferActivities.PushManifest))
            {
                manifest = await LayerManifest.BuildAsync(file, ChunkHasher.Default, cancellationToken).ConfigureAwait(false);
            }

            var status = await statusCall.ConfigureAwait(false);
            var first = status.Committed ? manifest.Chunks.Count : (int)Math.Min(status.DurableChunkCount, (ulong)manifest.Chunks.Count);
            var meter = new ProgressMeter(manifest.PresentBytes, progress, _time);
            meter.Skip(manifest.Chunks.Take(first).Sum(chunk => (long)chunk.Span.Length));
            var header = Header(store.Manifest, layer, epoch, manifest, first);
            header.Final = final;
            result = await SendAsync(file, header, manifest, first, meter, cancellationToken).ConfigureAwait(false);
        }

        using (TransferActivities.Source.StartActivity(TransferActivities.PushRecord))
        {
            _ = await ledger.UpdateAsync(current => new AckLedger([.. (current?.Acked ?? []).Where(entry => entry != key), key]), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private Task<TwinCopyJsonStore<AckLedger>> OpenLedgerAsync(CancellationToken cancellationToken) =>
        TwinCopyStore.OpenJsonAsync(_storage, Path.Combine(_workDirectory, LedgerName), AckLedgerJsonContext.Default.AckLedger, cancellationToken).AsTask();

    private PushHeader Header(Disks.Layers.ChainManifest chain, LayerRecord layer, ulong epoch, LayerManifest manifest, int first)
    {
        var header = new PushHeader
        {
            DesktopId = _client.DesktopId,
            LayerId = LayerIds.Format(layer.Id),
            ParentLayerId = LayerIds.Format(layer.ParentId),
            Epoch = epoch,
            CreatedAt = Timestamp.FromDateTimeOffset(layer.CreatedAt),
            SealedAt = Timestamp.FromDateTimeOffset(layer.SealedAt ?? throw new ArgumentException($"Layer {layer.Id} is not sealed.", nameof(layer))),
            VirtualSize = (ulong)chain.VirtualSize,
            LogicalSectorSize = (uint)chain.LogicalSectorSize,
            HashAlgorithm = (HashAlgorithm)manifest.Algorithm,
            ChunkCount = (ulong)manifest.Chunks.Count,
            PresentBytes = (ulong)manifest.PresentBytes,
            ManifestHash = ByteString.CopyFrom(manifest.Hash.Span),
            FirstChunkIndex = (ulong)first,
        };
        header.Chunks.AddRange(manifest.ToWire());
        return header;
    }

    private async Task<PushResult> SendAsync(VhdxFile file, PushHeader header, LayerManifest manifest, int first, ProgressMeter meter, CancellationToken cancellationToken)
    {
        using var call = _client.Calls.PushLayer(_client.Options(cancellationToken));
        var sending = TransferActivities.Source.StartActivity(TransferActivities.PushChunks);
        await call.RequestStream.WriteAsync(new PushMessage { Header = header }, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLayout.MaxChunkLength);
        var compressed = ArrayPool<byte>.Shared.Rent(ChunkCompressor.GetDestinationLength(ChunkLayout.MaxChunkLength));
        using var compressor = new ChunkCompressor();
        try
        {
            for (var index = first; index < manifest.Chunks.Count; index++)
            {
                if (_options.Pause is { } pause)
                {
                    await pause.WaitWhilePausedAsync(cancellationToken).ConfigureAwait(false);
                }

                var chunk = manifest.Chunks[index];
                var data = buffer.AsMemory(0, chunk.Span.Length);
                await file.ReadAsync(chunk.Span.Offset, data, cancellationToken).ConfigureAwait(false);
                if (_options.Limiter is { } limiter)
                {
                    await limiter.WaitAsync(chunk.Span.Length, _options.Priority, cancellationToken).ConfigureAwait(false);
                }

                var zstd = compressor.TryCompress(data.Span, compressed, out var written);

                // The message is serialized before WriteAsync completes: wrapping the reused buffers
                // (and the manifest's hash) instead of copying them is safe.
                await call.RequestStream.WriteAsync(
                    new PushMessage
                    {
                        Chunk = new ChunkData
                        {
                            Offset = (ulong)chunk.Span.Offset,
                            Length = (uint)chunk.Span.Length,
                            Compression = zstd ? Compression.Zstd : Compression.None,
                            Data = UnsafeByteOperations.UnsafeWrap(zstd ? compressed.AsMemory(0, written) : data),
                            Hash = UnsafeByteOperations.UnsafeWrap(chunk.Hash),
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
                meter.Add(chunk.Span.Length);
            }

            await call.RequestStream.WriteAsync(new PushMessage { Commit = new PushCommit() }, cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is Grpc.Core.RpcException or InvalidOperationException)
        {
            // The host ended the call early: a rejection throws with the status that says why; an
            // early success (the layer was already present) is the answer.
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        finally
        {
            sending?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(compressed);
        }

        using (TransferActivities.Source.StartActivity(TransferActivities.PushAck))
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
    }
}
