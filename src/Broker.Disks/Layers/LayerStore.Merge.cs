using Broker.Disks.Chains;
using Broker.Disks.Crashes;
using Broker.Vhdx;

namespace Broker.Disks.Layers;

/// <summary>Merge: folding adjacent sealed layers into one and rebuilding the layers above it.</summary>
public sealed partial class LayerStore
{
    /// <summary>
    /// Folds the sealed layers from <paramref name="lowerId"/> to <paramref name="upperId"/> (adjacent
    /// on the current chain, lower first, at least two) into one new layer and rebuilds the layers
    /// above it (see the remarks). The virtual content of the chain and of every snapshot at or above
    /// <paramref name="upperId"/> does not change; the snapshots in between are gone. Returns the
    /// merged layer.
    /// </summary>
    /// <exception cref="ArgumentException">The ids are not two distinct layers of the current chain in order.</exception>
    /// <exception cref="InvalidOperationException">A branch or an open snapshot depends on a file the merge would replace.</exception>
    public Task<LayerRecord> MergeAsync(long lowerId, long upperId, CancellationToken cancellationToken) =>
        MergeAsync(lowerId, upperId, switched: null, cancellationToken);

    /// <summary>
    /// Merges as <see cref="MergeAsync(long, long, CancellationToken)"/> and, with a live device,
    /// calls <paramref name="switched"/> with the device over the new top once the manifest naming
    /// it is committed, before the old files are deleted, so an export can resume there. When
    /// <see cref="PrepareMergeAsync"/> prepared these layers on the live device since the last
    /// change, its files are used and only the ranges written since are copied into the new top
    /// (from the closed old top); otherwise every file is built now.
    /// </summary>
    internal Task<LayerRecord> MergeAsync(long lowerId, long upperId, Func<ChainBlockDevice, Task>? switched, CancellationToken cancellationToken) =>
        ChangeAsync(
            async (manifest, closed, token) =>
            {
                var (chain, lower, upper) = MergeRange(manifest, lowerId, upperId);
                var prepared = _preparedMerge;
                _preparedMerge = null;
                MergeBuild build;
                if (prepared is not null && prepared.Fits(manifest, lowerId, upperId, closed))
                {
                    build = prepared.Build;
                    await CatchUpTopAsync(build, PathOf(manifest.Top), prepared.Written.ToExtents(), token).ConfigureAwait(false);
                }
                else
                {
                    if (prepared is not null)
                    {
                        await DiscardAsync(prepared, manifest, token).ConfigureAwait(false);
                    }

                    build = await BuildMergedLayersAsync(manifest, chain, lower, upper, token).ConfigureAwait(false);
                    _ = await BuildFromAsync(build.TopFile, PathOf(build.TopParent), PathOf(manifest.Top), 1, hash: false, token).ConfigureAwait(false);
                    DiskCrashPoints.MergeRebuiltFileFlushed.Hit();
                }

                return new Change<LayerRecord>(build.Next, build.Merged, build.Obsolete);
            },
            MergePoints,
            switched,
            cancellationToken);

    /// <summary>
    /// Does the work of the next served merge of these layers that needs no pause of the live
    /// device, while it keeps serving: records the ranges written from now on, builds the merged
    /// layer and rebuilds the sealed layers above it (all immutable), copies what the live top holds
    /// now into the new top over them, then flushes the live device (so the merge's close has little
    /// left to do). Without a live device it only checks the layers.
    /// </summary>
    /// <exception cref="ArgumentException">The ids are not two distinct layers of the current chain in order.</exception>
    /// <exception cref="InvalidOperationException">A branch or an open snapshot depends on a file the merge would replace.</exception>
    internal async Task PrepareMergeAsync(long lowerId, long upperId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            var manifest = _manifest;
            if (_preparedMerge is { } earlier)
            {
                _preparedMerge = null;
                await DiscardAsync(earlier, manifest, cancellationToken).ConfigureAwait(false);
            }

            var (chain, lower, upper) = MergeRange(manifest, lowerId, upperId);
            if (_live is not { } live)
            {
                return;
            }

            using var activity = Trace.StartActivity("prepare");

            // First: whatever is written from here on is copied again in the pause.
            var written = await live.TrackWritesAsync().ConfigureAwait(false);
            try
            {
                var build = await BuildMergedLayersAsync(manifest, chain, lower, upper, cancellationToken).ConfigureAwait(false);
                await CopyLiveTopAsync(live, build, cancellationToken).ConfigureAwait(false);
                DiskCrashPoints.MergeTopPrepared.Hit();
                await live.FlushAsync(cancellationToken).ConfigureAwait(false);
                DiskCrashPoints.MergePrepareFlushed.Hit();
                _preparedMerge = new PreparedMerge(lowerId, upperId, manifest.Epoch, live, written, build);
            }
            catch
            {
                live.StopTrackingWrites();
                throw;
            }
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>
    /// Forgets the files <see cref="PrepareMergeAsync"/> built when no merge used them (its served
    /// merge failed before the change): stops recording writes and deletes them. Files it cannot
    /// delete are left to <see cref="OpenAsync"/>, which removes every file no manifest names.
    /// </summary>
    internal async Task DiscardPreparedMergeAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_disposed && _preparedMerge is { } prepared)
            {
                _preparedMerge = null;
                await DiscardAsync(prepared, _manifest, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // Orphans: the next open removes them.
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>
    /// Checks a merge of <paramref name="lowerId"/> to <paramref name="upperId"/> on <paramref name="manifest"/>;
    /// returns the current chain and the two layers' indexes in it.
    /// </summary>
    private (IReadOnlyList<LayerRecord> Chain, int Lower, int Upper) MergeRange(ChainManifest manifest, long lowerId, long upperId)
    {
        var chain = manifest.CurrentChain();
        var lower = IndexOf(chain, lowerId);
        var upper = IndexOf(chain, upperId);
        if (lower < 0 || upper < 0 || lower >= upper)
        {
            throw new ArgumentException($"Layers {lowerId} and {upperId} are not two layers of the current chain, lower first.", nameof(lowerId));
        }

        CheckNoDependants(manifest, chain, lower);
        return (chain, lower, upper);
    }

    /// <summary>
    /// Builds the merged layer of <paramref name="chain"/>[<paramref name="lower"/>..<paramref name="upper"/>]
    /// and rebuilds the sealed layers above it over it, each flushed; plans the new top (not built).
    /// </summary>
    private async Task<MergeBuild> BuildMergedLayersAsync(ChainManifest manifest, IReadOnlyList<LayerRecord> chain, int lower, int upper, CancellationToken cancellationToken)
    {
        var serial = manifest.NextSerial;
        var mergedId = serial++;
        var mergedFile = LayerFileName(mergedId);
        var parentPath = lower == 0 ? manifest.BasePath : PathOf(chain[lower - 1]);
        var hash = await BuildFromAsync(mergedFile, parentPath, PathOf(chain[upper]), upper - lower + 1, hash: true, cancellationToken).ConfigureAwait(false);
        DiskCrashPoints.MergeMergedFileFlushed.Hit();
        var merged = new LayerRecord(mergedId, chain[lower].ParentId, mergedFile, chain[lower].CreatedAt, chain[upper].SealedAt, hash);

        var obsolete = chain.Skip(lower).Take(upper - lower + 1).Select(layer => layer.File).ToList();
        var created = new List<string> { mergedFile };
        var rebuilt = new Dictionary<long, LayerRecord>();
        var below = merged;
        foreach (var layer in chain.Skip(upper + 1))
        {
            var file = RebuiltFileName(layer.Id, serial++);
            var layerHash = await BuildFromAsync(file, PathOf(below), PathOf(layer), 1, hash: true, cancellationToken).ConfigureAwait(false);
            DiskCrashPoints.MergeRebuiltFileFlushed.Hit();
            below = layer with { ParentId = below.Id, File = file, ContentSha256 = layerHash };
            rebuilt[layer.Id] = below;
            obsolete.Add(layer.File);
            created.Add(file);
        }

        // The writable top carries no content hash.
        var top = manifest.Top with { ParentId = below.Id, File = RebuiltFileName(manifest.Top.Id, serial++), ContentSha256 = null };
        obsolete.Add(manifest.Top.File);
        created.Add(top.File);

        var removed = chain.Skip(lower).Take(upper - lower + 1).Select(layer => layer.Id).ToHashSet();
        var layers = new List<LayerRecord>();
        foreach (var layer in manifest.Layers)
        {
            if (layer.Id == chain[upper].Id)
            {
                layers.Add(merged);
            }
            else if (!removed.Contains(layer.Id))
            {
                layers.Add(rebuilt.GetValueOrDefault(layer.Id, layer));
            }
        }

        var next = manifest with
        {
            Epoch = manifest.Epoch + 1,
            NextSerial = serial,
            Layers = layers,
            Top = top,
        };
        return new MergeBuild(next, merged, below, obsolete, created);
    }

    /// <summary>Creates the new top of <paramref name="build"/> holding what the live device's top holds now, read through the device while it serves; flushed.</summary>
    private async Task CopyLiveTopAsync(ChainBlockDevice live, MergeBuild build, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, build.TopFile);
        await _storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        var target = await VhdxFile.CreateAsync(_storage, path, VhdxCreateOptions.Differencing(PathOf(build.TopParent)), cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            var held = await live.GetTopAllocationAsync(cancellationToken).ConfigureAwait(false);
            await LayerContent.CopyExtentsAsync(live.ReadAsync, held, target, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// In the pause: copies the <paramref name="written"/> ranges (whole sectors the old top holds)
    /// from the closed old top at <paramref name="oldTopPath"/> into the new top of
    /// <paramref name="build"/>, and flushes it. Traced as <c>catch-up</c>, tagged with the bytes copied.
    /// </summary>
    private async Task CatchUpTopAsync(MergeBuild build, string oldTopPath, IReadOnlyList<VhdxExtent> written, CancellationToken cancellationToken)
    {
        using (var activity = Trace.StartActivity("catch-up"))
        {
            _ = activity?.SetTag("bytes", written.Sum(extent => extent.Length));
            if (written.Count > 0)
            {
                var source = await VhdxFile.OpenAsync(_storage, oldTopPath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var target = await VhdxFile.OpenAsync(_storage, Path.Combine(Directory, build.TopFile), new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
                    await using (target.ConfigureAwait(false))
                    {
                        await LayerContent.CopyExtentsAsync(source.ReadAsync, written, target, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        DiskCrashPoints.MergeTopCaughtUp.Hit();
    }

    /// <summary>Stops <paramref name="prepared"/>'s recording of writes and deletes its files that <paramref name="manifest"/> does not name.</summary>
    private async Task DiscardAsync(PreparedMerge prepared, ChainManifest manifest, CancellationToken cancellationToken)
    {
        prepared.Live.StopTrackingWrites();
        var named = manifest.Layers.Select(layer => layer.File).Append(manifest.Top.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in prepared.Build.Created.Where(file => !named.Contains(file)))
        {
            await _storage.DeleteAsync(Path.Combine(Directory, file), cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckNoDependants(ChainManifest manifest, IReadOnlyList<LayerRecord> chain, int lower)
    {
        var replaced = new HashSet<long>(chain.Skip(lower).Select(layer => layer.Id));
        var successors = new HashSet<long>(chain.Skip(lower + 1).Select(layer => layer.Id)) { manifest.Top.Id };
        foreach (var layer in manifest.Layers)
        {
            if (layer.ParentId is { } parent && replaced.Contains(parent) && !successors.Contains(layer.Id))
            {
                throw new InvalidOperationException($"Branch layer {layer.Id} sits on layer {parent}, which the merge would replace.");
            }
        }

        var files = chain.Skip(lower).Select(layer => layer.File).Append(manifest.Top.File).ToHashSet(StringComparer.Ordinal);
        lock (_snapshots)
        {
            if (_snapshots.Values.Any(used => used.Any(files.Contains)))
            {
                throw new InvalidOperationException("An open snapshot device uses a layer the merge would replace; close it first.");
            }
        }
    }

    private static int IndexOf(IReadOnlyList<LayerRecord> chain, long id)
    {
        for (var index = 0; index < chain.Count; index++)
        {
            if (chain[index].Id == id)
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>
    /// A merge's files: the next manifest, the merged layer, the new top's parent (the last rebuilt
    /// layer, or the merged one), the files it makes obsolete and the files it creates (the new top
    /// last).
    /// </summary>
    private sealed record MergeBuild(ChainManifest Next, LayerRecord Merged, LayerRecord TopParent, IReadOnlyList<string> Obsolete, IReadOnlyList<string> Created)
    {
        public string TopFile => Next.Top.File;
    }

    /// <summary>
    /// What <see cref="PrepareMergeAsync"/> built for merging <paramref name="LowerId"/> to
    /// <paramref name="UpperId"/> on the manifest of <paramref name="Epoch"/>, while
    /// <paramref name="Live"/> served and recorded its writes in <paramref name="Written"/>.
    /// </summary>
    private sealed record PreparedMerge(long LowerId, long UpperId, long Epoch, ChainBlockDevice Live, WrittenRanges Written, MergeBuild Build)
    {
        /// <summary>Whether a merge of these layers on <paramref name="manifest"/>, which closed <paramref name="closed"/>, can use it.</summary>
        public bool Fits(ChainManifest manifest, long lowerId, long upperId, ChainBlockDevice? closed) =>
            LowerId == lowerId && UpperId == upperId && Epoch == manifest.Epoch && ReferenceEquals(Live, closed);
    }
}
