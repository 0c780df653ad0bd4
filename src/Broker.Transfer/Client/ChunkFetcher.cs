using System.Buffers;
using System.Collections;
using System.Diagnostics;
using Broker.Contracts.V1;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Grpc.Core;

namespace Broker.Transfer.Client;

/// <summary>
/// Fills one staging file with the chunks of one source over several <c>PullChunks</c> streams.
/// Chunks the ledger records as durable are skipped; chunks the file already holds with the
/// manifest's hash are claimed without fetching (dedup, and what a crash wrote but did not record).
/// Every chunk is verified before it is written; a chunk that fails is fetched again up to
/// <see cref="PullOptions.MaxRefetches"/> times. Progress is a flush of the file and then a ledger
/// commit (group commit): after <see cref="PullOptions.CheckpointInterval"/> or
/// <see cref="PullOptions.CheckpointChunks"/> chunks, whichever comes first, and at the end. Such a
/// checkpoint runs in the background: when the writes left no metadata pending (a base's chunks go
/// into reserved blocks) the file's payload is flushed while the streams go on writing, so the disk
/// works while chunks arrive. A killed process loses no more than the chunks in flight: on the next
/// run the chunks it wrote but did not record are claimed by hash. A chunk is written whole: writing
/// only its non-zero 4 KiB runs (one VHDX write a run) cost the bench's pull 2–6 client CPU-s more
/// than the disk time it saved (docs/performance.md). Responses arrive in pooled buffers
/// (<see cref="PooledPullCall"/>). Stage times go to <see cref="TransferMetrics"/>. A donor file
/// (the same layer kept locally, e.g. in a diverged branch) gives the chunks it holds with the
/// manifest's hash before anything is fetched.
/// </summary>
internal sealed class ChunkFetcher(
    TransferClient client,
    TwinCopyJsonStore<PullLedger> ledger,
    string key,
    ChunkRequest source,
    LayerManifest manifest,
    VhdxFile target,
    bool targetFresh,
    PullOptions options,
    ProgressMeter meter,
    TimeProvider time,
    VhdxFile? donor = null) : IDisposable
{
    // Guards target (the VHDX library is not thread-safe), _done and _sinceCheckpoint.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // One checkpoint at a time, so ledger records follow each other in order.
    private readonly SemaphoreSlim _checkpointLock = new(1, 1);
    private Task _background = Task.CompletedTask;
    private BitArray _done = new(manifest.Chunks.Count);
    private int _sinceCheckpoint;
    private long _lastCheckpoint = time.GetTimestamp();

    /// <summary>Bytes of present data this source moves in all.</summary>
    public long TotalBytes => manifest.PresentBytes;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (ledger.Read()?.Find(key) is { } entry && entry.ManifestHash.AsSpan().SequenceEqual(manifest.Hash.Span) && entry.Done.Length * 8 >= manifest.Chunks.Count)
        {
            _done = new BitArray(entry.Done) { Length = manifest.Chunks.Count };
        }

        await ClaimHeldAsync(cancellationToken).ConfigureAwait(false);
        var pending = Enumerable.Range(0, manifest.Chunks.Count).Where(index => !_done[index]).ToList();
        try
        {
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt > options.MaxRefetches)
                {
                    throw new ChunkIntegrityException(manifest.Chunks[pending[0]].Span.Offset, ChunkIntegrityFailure.HashMismatch, $"{pending.Count} chunks still fail verification after {options.MaxRefetches} refetches");
                }

                var streams = Math.Clamp(options.Streams, 1, pending.Count);
                var failed = await Task.WhenAll(Enumerable.Range(0, streams)
                    .Select(stream => FetchAsync([.. pending.Where((_, i) => i % streams == stream)], cancellationToken))).ConfigureAwait(false);
                pending = [.. failed.SelectMany(list => list).Order()];
            }

            // A background checkpoint that failed fails the pull.
            await _background.ConfigureAwait(false);
        }
        finally
        {
            // Whatever was written is whole: record it, also when the pull stops here (cut, cancel, pause).
            await _background.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            using var activity = TransferActivities.Source.StartActivity(TransferActivities.FinalCheckpoint);
            await _checkpointLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _ = _checkpointLock.Release();
            }
        }
    }

    /// <summary>
    /// Marks done every chunk the staging file already holds whole with the manifest's hash (unless
    /// the file is fresh: a base's reserved blocks would read back and hash as gigabytes of zeros),
    /// and copies in those the donor holds so.
    /// </summary>
    private async Task ClaimHeldAsync(CancellationToken cancellationToken)
    {
        using var probe = targetFresh ? null : new HeldChunkProbe(target, manifest);
        using var donorProbe = donor is null ? null : new HeldChunkProbe(donor, manifest);
        for (var index = 0; index < manifest.Chunks.Count; index++)
        {
            if (_done[index])
            {
                meter.Skip(manifest.Chunks[index].Span.Length);
            }
            else if (probe is not null && await probe.HoldsAsync(index, cancellationToken).ConfigureAwait(false))
            {
                _done[index] = true;
                _sinceCheckpoint++;
                meter.Skip(manifest.Chunks[index].Span.Length);
            }
            else if (donorProbe is not null && await donorProbe.HoldsAsync(index, cancellationToken).ConfigureAwait(false))
            {
                await WriteAsync(index, donorProbe.Held, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fetches <paramref name="indexes"/> over one stream, in order; returns those that failed verification.</summary>
    private async Task<List<int>> FetchAsync(IReadOnlyList<int> indexes, CancellationToken cancellationToken)
    {
        var failed = new List<int>();
        if (indexes.Count == 0)
        {
            return failed;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = PooledPullCall.Start(client.Invoker, client.Options(linked.Token));
        using var inFlight = new SemaphoreSlim(options.RequestsInFlight, options.RequestsInFlight);
        var sender = SendAsync(call.RequestStream, indexes, inFlight, linked.Token);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLayout.MaxChunkLength);
        using var verifier = new ChunkVerifier(manifest.Algorithm);
        try
        {
            foreach (var index in indexes)
            {
                var receiving = Stopwatch.GetTimestamp();
                if (!await call.ResponseStream.MoveNext(linked.Token).ConfigureAwait(false))
                {
                    throw new IOException($"The host ended the chunk stream after fewer chunks than requested.");
                }

                TransferMetrics.RecordPullStage(TransferMetrics.Receive, receiving);
                var verifying = Stopwatch.GetTimestamp();
                using var response = call.ResponseStream.Current;
                var chunk = manifest.Chunks[index];
                ReadOnlyMemory<byte> data;
                try
                {
                    if (response.Offset != (ulong)chunk.Span.Offset || response.Length != (uint)chunk.Span.Length)
                    {
                        throw new ChunkIntegrityException(chunk.Span.Offset, ChunkIntegrityFailure.WrongLength, "the host answered with another chunk");
                    }

                    var compressed = response.Compression == Compression.Zstd;
                    _ = verifier.Verify(chunk.Span, compressed, response.Data.Span, chunk.Hash.Span, buffer);
                    data = compressed ? buffer.AsMemory(0, chunk.Span.Length) : response.Data;
                    TransferMetrics.RecordPullStage(TransferMetrics.Verify, verifying);
                }
                catch (ChunkIntegrityException)
                {
                    failed.Add(index);
                    _ = inFlight.Release();
                    continue;
                }

                // A request stays in flight until its chunk is in the file: a killed pull loses at
                // most RequestsInFlight chunks a stream (what it wrote is claimed by hash on resume).
                await WriteAsync(index, data, cancellationToken).ConfigureAwait(false);
                _ = inFlight.Release();
            }

            await sender.ConfigureAwait(false);
        }
        catch
        {
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await sender.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or RpcException or InvalidOperationException or IOException)
            {
                // The reader's failure is the one to report (a cut connection also fails the
                // sender's writes, with a transport IOException rather than an RpcException).
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return failed;
    }

    private async Task SendAsync(IClientStreamWriter<ChunkRequest> requests, IReadOnlyList<int> indexes, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        foreach (var index in indexes)
        {
            var span = manifest.Chunks[index].Span;
            await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (options.Pause is { } pause)
            {
                await pause.WaitWhilePausedAsync(cancellationToken).ConfigureAwait(false);
            }

            if (options.Limiter is { } limiter)
            {
                await limiter.WaitAsync(span.Length, options.Priority, cancellationToken).ConfigureAwait(false);
            }

            var request = source.Clone();
            request.DesktopId = client.DesktopId;
            request.Offset = (ulong)span.Offset;
            request.Length = (uint)span.Length;
            await requests.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        await requests.CompleteAsync().ConfigureAwait(false);
    }

    private async Task WriteAsync(int index, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var writing = Stopwatch.GetTimestamp();
        bool due;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await target.WriteAsync(manifest.Chunks[index].Span.Offset, data, cancellationToken).ConfigureAwait(false);
            _done[index] = true;
            _sinceCheckpoint++;
            due = _sinceCheckpoint >= options.CheckpointChunks || time.GetElapsedTime(_lastCheckpoint) >= options.CheckpointInterval;
        }
        finally
        {
            _ = _writeLock.Release();
        }

        TransferMetrics.RecordPullStage(TransferMetrics.Write, writing);
        meter.Add(data.Length);
        if (due)
        {
            StartCheckpoint(cancellationToken);
        }
    }

    /// <summary>Starts a checkpoint in the background unless one is running (a later write starts the next); rethrows a failed one's exception.</summary>
    private void StartCheckpoint(CancellationToken cancellationToken)
    {
        var previous = Volatile.Read(ref _background);
        if (previous.IsFaulted || previous.IsCanceled)
        {
            previous.GetAwaiter().GetResult();
        }

        if (!_checkpointLock.Wait(0, CancellationToken.None))
        {
            return;
        }

        Volatile.Write(ref _background, Task.Run(
            async () =>
            {
                try
                {
                    await CheckpointAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _ = _checkpointLock.Release();
                }
            },
            CancellationToken.None));
    }

    public void Dispose()
    {
        _writeLock.Dispose();
        _checkpointLock.Dispose();
    }

    /// <summary>
    /// Records the chunks written so far as durable (the caller holds the checkpoint lock). Under the
    /// write lock it takes them and, when writes left metadata pending, flushes the file whole;
    /// otherwise it flushes only the payload after releasing the lock, so writes go on meanwhile
    /// (the flush covers every write taken, and their metadata is already durable). Then the record.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var flushing = Stopwatch.GetTimestamp();
        byte[] bits;
        bool payloadOnly;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sinceCheckpoint == 0)
            {
                return;
            }

            bits = new byte[(manifest.Chunks.Count + 7) / 8];
            _done.CopyTo(bits, 0);
            _sinceCheckpoint = 0;
            _lastCheckpoint = time.GetTimestamp();
            payloadOnly = !target.HasPendingMetadata;
            if (!payloadOnly)
            {
                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _ = _writeLock.Release();
        }

        if (payloadOnly)
        {
            await target.FlushPayloadAsync(cancellationToken).ConfigureAwait(false);
        }

        TransferMetrics.RecordPullStage(TransferMetrics.Flush, flushing);
        var recording = Stopwatch.GetTimestamp();
        var entry = new PullEntry(key, manifest.Hash.ToArray(), bits);
        _ = await ledger.UpdateAsync(current => (current ?? new PullLedger([])).With(entry), cancellationToken).ConfigureAwait(false);
        TransferMetrics.RecordPullStage(TransferMetrics.Record, recording);
    }
}
