using System.Diagnostics;
using Broker.Disks.Chains;
using Broker.Disks.Crashes;
using Broker.Disks.State;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Layers;

/// <summary>
/// The layers of one desktop (design §4): a directory holding sealed layer files, the writable top
/// and the chain manifest (a twin-copy store named <c>chain</c>). The base image lives in the base
/// image store and is only ever read.
/// </summary>
/// <remarks>
/// <para>
/// Names: every layer file is born with its final name <c>L-&lt;id&gt;.avhdx</c>, including the
/// writable top. Sealing therefore renames nothing: the top is flushed and closed, and the new top is
/// created as a differencing child of that very file, so the child's parent locator (relative path
/// and the parent's DataWriteGuid, fixed once the file is closed for good) stays valid forever. A
/// merge writes new files under names never used before (<c>L-&lt;id&gt;.&lt;serial&gt;.avhdx</c> for a
/// rebuilt layer); an unused name plays the part of a temporary name.
/// </para>
/// <para>
/// Commit point: every change first creates and flushes its new files, then commits the manifest;
/// files the old manifest named and the new one does not are deleted only after that commit is
/// durable. A crash at any point therefore leaves a manifest whose files all exist and are whole;
/// <see cref="OpenAsync"/> deletes every file the manifest does not name (half-built files of an
/// interrupted change, old files of a committed one, throwaway snapshot tops).
/// </para>
/// <para>
/// Merge: folding sealed layers Li…Lj into one file M over Li's parent changes the identity the layer
/// above Lj links to, and a differencing file cannot be re-pointed without rewriting it. So every
/// layer above Lj on the current chain, the top included, is rebuilt as a new file over the rebuilt
/// layer below it (its own sectors copied). This costs a copy of the layers above the merged range,
/// never touches the base and keeps every file immutable once sealed. A merge is refused when a
/// branch (kept by <see cref="RestoreAsync"/>) or an open snapshot device depends on a file it
/// would replace. Under a live device, <see cref="PrepareMergeAsync"/> builds all of it ahead
/// (the top as a copy read through the device, which records later writes), so the merge itself
/// only copies the writes since into the new top before its commit.
/// </para>
/// <para>
/// Concurrency: one change (seal, merge, restore) at a time. The store owns at most one live device
/// over the top (<see cref="OpenLiveDeviceAsync"/>); a change closes it (flushing it) and opens a new
/// one over the new top, which <see cref="LiveDevice"/> then returns. See
/// <see cref="LayerStoreNbdExtensions.SealServedAsync"/> and <see cref="LayerStoreNbdExtensions.MergeServedAsync"/>
/// for sealing and merging under a running NBD export.
/// </para>
/// </remarks>
public sealed partial class LayerStore : IAsyncDisposable
{
    private const string ManifestName = "chain";

    private static readonly ChangeCrashPoints MergePoints = new(DiskCrashPoints.MergeSwitched, DiskCrashPoints.MergeOldFileDeleted);
    private static readonly ChangeCrashPoints RestorePoints = new(DiskCrashPoints.RestoreSwitched, null);
    private static readonly ChangeCrashPoints AdoptPoints = new(DiskCrashPoints.AdoptSwitched, DiskCrashPoints.AdoptOldTopDeleted);

    /// <summary>
    /// Traces the steps of changes (activities <c>seal</c>, <c>merge</c> and their steps such as
    /// <c>prepare</c>, <c>pause</c>, <c>quiesce</c>, <c>create-top</c>, <c>open-top</c>,
    /// <c>resume</c>, <c>close-top</c>, <c>release-top</c>, <c>catch-up</c>, <c>hash</c>,
    /// <c>commit</c>, <c>delete</c>), for benchmarks and the host's tracing.
    /// </summary>
    internal static readonly ActivitySource Trace = new("Broker.Disks.Layers");

    private readonly IStorage _storage;
    private readonly TimeProvider _time;
    private readonly TwinCopyJsonStore<ChainManifest> _manifestStore;

    // One change at a time; guards _live, _prepared, _preparedMerge, _snapshots and _faulted.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<ChainBlockDevice, string[]> _snapshots = [];
    private volatile ChainManifest _manifest;
    private ChainBlockDevice? _live;

    // The next top, made ahead of a seal by PrepareSealAsync; a file no manifest names until used.
    private PreparedTop? _prepared;

    // The files of a served merge, built ahead of its pause by PrepareMergeAsync; named by no manifest until used.
    private PreparedMerge? _preparedMerge;
    private bool _faulted;
    private bool _disposed;

    private LayerStore(IStorage storage, string directory, TimeProvider time, TwinCopyJsonStore<ChainManifest> manifestStore, ChainManifest manifest)
    {
        _storage = storage;
        Directory = directory;
        _time = time;
        _manifestStore = manifestStore;
        _manifest = manifest;
    }

    /// <summary>The layer directory.</summary>
    public string Directory { get; }

    /// <summary>The last committed manifest.</summary>
    public ChainManifest Manifest => _manifest;

    /// <summary>The device over the current top, if <see cref="OpenLiveDeviceAsync"/> opened one.</summary>
    public ChainBlockDevice? LiveDevice => _live;

    /// <summary>
    /// Creates the chain of a new desktop in <paramref name="directory"/>: a writable top that is a
    /// differencing child of <paramref name="basePath"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The directory already holds a chain.</exception>
    public static async Task<LayerStore> CreateAsync(
        IStorage storage,
        string directory,
        string basePath,
        string baseAddress,
        TimeProvider? timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        ArgumentException.ThrowIfNullOrEmpty(baseAddress);
        var time = timeProvider ?? TimeProvider.System;
        directory = Path.GetFullPath(directory);
        basePath = Path.GetFullPath(basePath);
        storage.CreateDirectory(directory);
        var manifestStore = await OpenManifestStoreAsync(storage, directory, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!manifestStore.IsEmpty)
            {
                throw new InvalidOperationException($"'{directory}' already holds a chain.");
            }

            // Leftovers of a create that crashed before its commit.
            await StateDirectory.RemoveUnnamedAsync(storage, directory, ManifestName, new HashSet<string>(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
            long virtualSize;
            int sectorSize;
            await using (var baseFile = await VhdxFile.OpenAsync(storage, basePath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false))
            {
                virtualSize = baseFile.VirtualSize;
                sectorSize = baseFile.LogicalSectorSize;
            }

            const long TopId = 1;
            var topFile = LayerFileName(TopId);
            await CreateChildAsync(storage, Path.Combine(directory, topFile), basePath, cancellationToken).ConfigureAwait(false);
            var manifest = new ChainManifest
            {
                BaseAddress = baseAddress,
                BasePath = basePath,
                VirtualSize = virtualSize,
                LogicalSectorSize = sectorSize,
                Epoch = 1,
                NextSerial = TopId + 1,
                Layers = [],
                Top = new LayerRecord(TopId, null, topFile, time.GetUtcNow(), null, null),
            };
            await manifestStore.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
            return new LayerStore(storage, directory, time, manifestStore, manifest);
        }
        catch
        {
            await manifestStore.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens the chain in <paramref name="directory"/> and recovers: every file the committed
    /// manifest does not name is deleted, except staging files (see <see cref="StagingPrefix"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory holds no committed chain.</exception>
    /// <exception cref="StateStoreCorruptException">The manifest store is damaged.</exception>
    public static async Task<LayerStore> OpenAsync(IStorage storage, string directory, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory);
        storage.CreateDirectory(directory);
        var manifestStore = await OpenManifestStoreAsync(storage, directory, cancellationToken).ConfigureAwait(false);
        try
        {
            var manifest = manifestStore.Read()
                ?? throw new FileNotFoundException($"'{directory}' holds no committed chain.", Path.Combine(directory, ManifestName));
            var named = manifest.Layers.Select(layer => layer.File).Append(manifest.Top.File).ToHashSet(StringComparer.Ordinal);
            named.UnionWith(StagingFiles(storage, directory));
            await StateDirectory.RemoveUnnamedAsync(storage, directory, ManifestName, named, cancellationToken).ConfigureAwait(false);
            return new LayerStore(storage, directory, timeProvider ?? TimeProvider.System, manifestStore, manifest);
        }
        catch
        {
            await manifestStore.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Full path of a file of the chain.</summary>
    public string PathOf(LayerRecord layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Path.Combine(Directory, layer.File);
    }

    /// <summary>Opens (or returns) the writable device over the current top.</summary>
    public async Task<ChainBlockDevice> OpenLiveDeviceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            return _live ??= await ChainBlockDevice.OpenAsync(_storage, PathOf(_manifest.Top), readOnly: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>
    /// Seals the top: it becomes an immutable, hashed, timestamped layer and a new empty top is put
    /// on it. The virtual content does not change. Returns the sealed layer. With a live device the
    /// new one reuses its open parents, and a new top made by <see cref="PrepareSealAsync"/> is used
    /// when it still links to the sealed top.
    /// </summary>
    public Task<LayerRecord> SealAsync(CancellationToken cancellationToken) => SealAsync(switched: null, cancellationToken);

    /// <summary>
    /// Seals as <see cref="SealAsync(CancellationToken)"/> and, with a live device, calls
    /// <paramref name="switched"/> with the device over the new top as soon as it exists, so an
    /// export can resume there: before the old top is flushed and closed (its log commit and header
    /// updates run while the new top serves, reading through it), hashed and the manifest
    /// committed. Until that commit is durable the new device's flushes wait, and if it fails they
    /// fail: a crash before it drops the unnamed top, which held nothing reported durable, and the
    /// old top recovers by its log. A failure after the switch leaves the store unusable (reopen it).
    /// </summary>
    internal async Task<LayerRecord> SealAsync(Func<ChainBlockDevice, Task>? switched, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            var manifest = _manifest;
            var top = manifest.Top;
            var id = manifest.NextSerial;
            var file = LayerFileName(id);
            var prepared = _prepared;
            _prepared = null;
            var live = _live;
            _live = null;
            var named = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            VhdxDisk? chain = null;
            try
            {
                VhdxFile sealedFile;
                try
                {
                    (chain, sealedFile) = await SwitchTopAsync(live, PathOf(top), prepared, file, named.Task, cancellationToken).ConfigureAwait(false);
                }
                catch when (live is not null && !_faulted)
                {
                    // Serve the old top again.
                    await ReopenLiveAfterFailureAsync().ConfigureAwait(false);
                    throw;
                }

                try
                {
                    if (_live is { } next)
                    {
                        if (switched is not null)
                        {
                            await switched(next).ConfigureAwait(false);
                        }

                        // After the switch: the new top serves meanwhile, reading through this one.
                        using (Trace.StartActivity("close-top"))
                        {
                            sealedFile = await next.EndParentWritesAsync(cancellationToken).ConfigureAwait(false);
                        }

                        using (Trace.StartActivity("release-top"))
                        {
                            await next.ReleaseParentWriteHandleAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }

                    DiskCrashPoints.SealTopClosed.Hit();
                    string hash;
                    using (Trace.StartActivity("hash"))
                    {
                        hash = await LayerContent.HashAsync(sealedFile, cancellationToken).ConfigureAwait(false);
                    }

                    var now = _time.GetUtcNow();
                    var sealedTop = top with { SealedAt = now, ContentSha256 = hash };
                    var nextManifest = manifest with
                    {
                        Epoch = manifest.Epoch + 1,
                        NextSerial = id + 1,
                        Layers = [.. manifest.Layers, sealedTop],
                        Top = new LayerRecord(id, top.Id, file, now, null, null),
                    };
                    using (Trace.StartActivity("commit"))
                    {
                        await CommitAsync(nextManifest, cancellationToken).ConfigureAwait(false);
                    }

                    DiskCrashPoints.SealManifestCommitted.Hit();

                    named.SetResult();
                    return sealedTop;
                }
                catch (Exception exception) when (live is not null)
                {
                    // The new top serves, but no durable manifest names it.
                    _faulted = true;
                    named.SetException(new IOException("The seal failed after its new top began serving; nothing written there can be made durable.", exception));
                    throw;
                }
            }
            finally
            {
                if (chain is not null)
                {
                    await chain.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>
    /// The seal's steps up to the switch: detaches the live device's chain (the top still open
    /// read-write, nothing flushed) or opens the chain read-only, creates the next top
    /// <paramref name="file"/> unless <paramref name="prepared"/> still links to the sealed top and,
    /// with a live device, opens the new live device over it. Returns the chain the caller must
    /// dispose (null when the new live device owns it) and the top being sealed. On failure
    /// everything it opened is closed (which commits the old top).
    /// </summary>
    private async Task<(VhdxDisk? Chain, VhdxFile SealedTop)> SwitchTopAsync(
        ChainBlockDevice? live,
        string topPath,
        PreparedTop? prepared,
        string file,
        Task named,
        CancellationToken cancellationToken)
    {
        var chain = live is not null
            ? await live.DetachChainAsync(cancellationToken).ConfigureAwait(false)
            : await VhdxDisk.OpenAsync(_storage, topPath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        try
        {
            var sealedTop = chain.Top;
            var path = Path.Combine(Directory, file);
            if (prepared is not { } ready || ready.File != file || ready.ParentLinkage != sealedTop.DataWriteGuid)
            {
                using var activity = Trace.StartActivity("create-top");
                await _storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
                var child = await VhdxFile.CreateDifferencingAsync(_storage, path, sealedTop, VhdxCreateOptions.DefaultDifferencingBlockSize, cancellationToken).ConfigureAwait(false);
                await child.DisposeAsync().ConfigureAwait(false);
            }

            DiskCrashPoints.SealChildCreated.Hit();
            if (live is null)
            {
                return (chain, sealedTop);
            }

            using (Trace.StartActivity("open-top"))
            {
                _live = await ChainBlockDevice.OpenOnAsync(_storage, chain, path, named, cancellationToken).ConfigureAwait(false);
            }

            return (null, sealedTop);
        }
        catch
        {
            // The chain still holds the old top open, which bars reopening it for writing.
            await chain.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Does the work of the next <see cref="SealAsync(CancellationToken)"/> that needs no pause of the live device,
    /// while it keeps serving: creates the next top as a child of the live top, then flushes the
    /// live device (so the seal's own flush has little left to do). Does nothing without a live device.
    /// </summary>
    internal async Task PrepareSealAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            if (_live is not { } live)
            {
                return;
            }

            using var activity = Trace.StartActivity("prepare");
            var file = LayerFileName(_manifest.NextSerial);
            var path = Path.Combine(Directory, file);
            _prepared = null;
            await _storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            _prepared = new PreparedTop(file, await live.CreateChildOfTopAsync(path, cancellationToken).ConfigureAwait(false));
            DiskCrashPoints.SealNextTopPrepared.Hit();

            // Last, so that as little as possible is written between this flush and the seal's.
            await live.FlushAsync(cancellationToken).ConfigureAwait(false);
            DiskCrashPoints.SealPrepareFlushed.Hit();
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>
    /// Makes sealed layer <paramref name="layerId"/> the parent of a new empty top. The old top is
    /// sealed and kept, with the layers it sat on, as a branch: nothing is deleted. Returns the new top.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No sealed layer has that id.</exception>
    public Task<LayerRecord> RestoreAsync(long layerId, CancellationToken cancellationToken) =>
        ChangeAsync(
            async (manifest, token) =>
            {
                var target = manifest.Find(layerId) ?? throw new KeyNotFoundException($"No sealed layer {layerId}.");
                var top = manifest.Top;
                var hash = await HashFileAsync(PathOf(top), token).ConfigureAwait(false);
                var id = manifest.NextSerial;
                var file = LayerFileName(id);
                await CreateFreshChildAsync(file, PathOf(target), token).ConfigureAwait(false);
                DiskCrashPoints.RestoreTopCreated.Hit();
                var now = _time.GetUtcNow();
                var newTop = new LayerRecord(id, target.Id, file, now, null, null);
                var next = manifest with
                {
                    Epoch = manifest.Epoch + 1,
                    NextSerial = id + 1,
                    Layers = [.. manifest.Layers, top with { SealedAt = now, ContentSha256 = hash }],
                    Top = newTop,
                };
                return new Change<LayerRecord>(next, newTop, []);
            },
            RestorePoints,
            cancellationToken);

    /// <summary>
    /// Boots snapshot <paramref name="layerId"/>: a writable device over a throwaway top whose parent
    /// is that sealed layer. Closing the device deletes the throwaway top; nothing it wrote is kept.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No sealed layer has that id.</exception>
    public async Task<ChainBlockDevice> BootSnapshotAsync(long layerId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            var manifest = _manifest;
            var target = manifest.Find(layerId) ?? throw new KeyNotFoundException($"No sealed layer {layerId}.");
            var scratch = Path.Combine(Directory, $"scratch-{Guid.NewGuid():N}.avhdx");
            await CreateChildAsync(_storage, scratch, PathOf(target), cancellationToken).ConfigureAwait(false);
            ChainBlockDevice? device = null;
            device = await ChainBlockDevice.OpenAsync(
                _storage,
                scratch,
                readOnly: false,
                async () =>
                {
                    await _storage.DeleteAsync(scratch, CancellationToken.None).ConfigureAwait(false);
                    await _storage.FlushDirectoryAsync(Directory, CancellationToken.None).ConfigureAwait(false);
                    lock (_snapshots)
                    {
                        _ = _snapshots.Remove(device!);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            lock (_snapshots)
            {
                _snapshots[device] = [.. manifest.Ancestry(layerId).Select(layer => layer.File)];
            }

            return device;
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Closes the live device (flushing it) and the manifest store. Snapshot devices stay the caller's.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_live is { } live)
            {
                _live = null;
                await live.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await _manifestStore.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    internal static string LayerFileName(long id) => $"L-{id}.avhdx";

    private static string RebuiltFileName(long id, long serial) => $"L-{id}.{serial}.avhdx";

    private static Task<TwinCopyJsonStore<ChainManifest>> OpenManifestStoreAsync(IStorage storage, string directory, CancellationToken cancellationToken) =>
        TwinCopyStore.OpenJsonAsync(storage, Path.Combine(directory, ManifestName), ChainManifestJsonContext.Default.ChainManifest, cancellationToken).AsTask();

    private static async Task CreateChildAsync(IStorage storage, string path, string parentPath, CancellationToken cancellationToken)
    {
        var file = await VhdxFile.CreateAsync(storage, path, VhdxCreateOptions.Differencing(parentPath), cancellationToken).ConfigureAwait(false);
        await file.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs one change whose build does not need the live device it closed (see the other overload).</summary>
    private Task<T> ChangeAsync<T>(Func<ChainManifest, CancellationToken, Task<Change<T>>> build, ChangeCrashPoints points, CancellationToken cancellationToken) =>
        ChangeAsync((manifest, _, token) => build(manifest, token), points, switched: null, cancellationToken);

    /// <summary>
    /// Runs one change: closes the live device, lets <paramref name="build"/> write its new files and
    /// return the next manifest (it is given the closed device, null without one), commits it (the
    /// commit point), reopens the live device over the new top and calls <paramref name="switched"/>
    /// with it, then deletes obsolete files, hitting the change's crash <paramref name="points"/> on
    /// the way. A failed commit leaves the store unusable (the durable manifest may be either one);
    /// reopen it.
    /// </summary>
    private async Task<T> ChangeAsync<T>(
        Func<ChainManifest, ChainBlockDevice?, CancellationToken, Task<Change<T>>> build,
        ChangeCrashPoints points,
        Func<ChainBlockDevice, Task>? switched,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            _prepared = null;
            var live = _live;
            if (live is not null)
            {
                _live = null;
                using (Trace.StartActivity("close-top"))
                {
                    await live.CloseAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Change<T> change;
            try
            {
                change = await build(_manifest, live, cancellationToken).ConfigureAwait(false);
                using (Trace.StartActivity("commit"))
                {
                    // Not cancellable: a commit cut off by its caller's cancellation would leave the
                    // store unusable (see CommitAsync) for a change that was already built whole.
                    await CommitAsync(change.Manifest, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch when (live is not null && !_faulted)
            {
                // Nothing changed: keep serving the old top.
                await ReopenLiveAfterFailureAsync().ConfigureAwait(false);
                throw;
            }

            points.Switched.Hit();
            if (live is not null)
            {
                using (Trace.StartActivity("open-top"))
                {
                    _live = await ChainBlockDevice.OpenAsync(_storage, PathOf(_manifest.Top), readOnly: false, cancellationToken).ConfigureAwait(false);
                }

                if (switched is not null)
                {
                    await switched(_live).ConfigureAwait(false);
                }
            }

            using (Trace.StartActivity("delete"))
            {
                foreach (var file in change.Obsolete)
                {
                    await _storage.DeleteAsync(Path.Combine(Directory, file), cancellationToken).ConfigureAwait(false);
                    points.ObsoleteDeleted?.Hit();
                }

                if (change.Obsolete.Count > 0)
                {
                    await _storage.FlushDirectoryAsync(Directory, cancellationToken).ConfigureAwait(false);
                }
            }

            return change.Result;
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Commits <paramref name="next"/> (the commit point); a failure leaves the store unusable.</summary>
    private async Task CommitAsync(ChainManifest next, CancellationToken cancellationToken)
    {
        try
        {
            await _manifestStore.CommitAsync(next, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _faulted = true;
            throw;
        }

        _manifest = next;
    }

    /// <summary>After a failed change: a live device over the top the manifest names. A failure here hides behind the first one.</summary>
    private async Task ReopenLiveAfterFailureAsync()
    {
        try
        {
            _live = await ChainBlockDevice.OpenAsync(_storage, PathOf(_manifest.Top), readOnly: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or VhdxParentException)
        {
            _live = null;
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new InvalidOperationException("A manifest commit failed, or a seal failed after its new top began serving; the store must be reopened.");
        }
    }

    private async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = await VhdxFile.OpenAsync(_storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            return await LayerContent.HashAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates <paramref name="file"/> as a child of <paramref name="parentPath"/>, first deleting a leftover of a failed attempt (never named by the manifest).</summary>
    private async Task CreateFreshChildAsync(string file, string parentPath, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, file);
        await _storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        await CreateChildAsync(_storage, path, parentPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates <paramref name="file"/> over <paramref name="parentPath"/> holding what the top
    /// <paramref name="layers"/> files of the chain at <paramref name="sourcePath"/> hold, flushes it
    /// and returns its content hash when <paramref name="hash"/> is set (null otherwise).
    /// </summary>
    private async Task<string?> BuildFromAsync(string file, string parentPath, string sourcePath, int layers, bool hash, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, file);
        await _storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        var target = await VhdxFile.CreateAsync(_storage, path, VhdxCreateOptions.Differencing(parentPath), cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            var source = await VhdxDisk.OpenAsync(_storage, sourcePath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await LayerContent.CopyLayersAsync(source, layers, target, cancellationToken).ConfigureAwait(false);
            }

            return hash ? await LayerContent.HashAsync(target, cancellationToken).ConfigureAwait(false) : null;
        }
    }

    /// <summary>A next top made ahead of a seal: its file name and the DataWriteGuid of the top it links to.</summary>
    private sealed record PreparedTop(string File, Guid ParentLinkage);

    /// <summary>A change's next manifest, its result and the files it makes obsolete.</summary>
    private sealed record Change<T>(ChainManifest Manifest, T Result, IReadOnlyList<string> Obsolete);

    /// <summary>The crash points a change hits (see ChangeAsync): after its commit, after each obsolete file's delete (none when it deletes nothing).</summary>
    private sealed record ChangeCrashPoints(CrashPoint Switched, CrashPoint? ObsoleteDeleted);
}
