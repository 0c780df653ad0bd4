using Broker.Nbd;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Chains;

/// <summary>
/// An <see cref="IBlockDevice"/> over a VHDX chain (<see cref="VhdxDisk"/>): reads fall through the
/// chain, writes go to the top file, a flush is the top file's <see cref="VhdxFile.FlushAsync"/> and
/// a force-unit-access write is a write followed by that flush.
/// </summary>
/// <remarks>
/// <para>
/// Concurrency: reads and writes that change no metadata (into blocks and sectors the top already
/// holds, see <see cref="VhdxDisk.TryWriteInPlaceAsync"/>) hold a shared lock and run at once;
/// writes that allocate or mark sectors present, flushes and the close hold it exclusively, so
/// BAT, bitmap and log updates stay serialised. A flush waits for every write that started before
/// it and therefore covers every write completed before it.
/// </para>
/// <para>
/// <see cref="CloseAsync"/> flushes and closes the chain while the object stays valid: afterwards
/// reads and writes throw <see cref="ObjectDisposedException"/> and <see cref="FlushAsync"/>
/// succeeds at once. A seal instead detaches the chain (<see cref="DetachChainAsync"/>) under a
/// quiesced NBD export, whose pause flushes the replaced device later: that flush then does
/// nothing, and the new device over the next top makes the old top durable
/// (<see cref="EndParentWritesAsync"/>) before its own flushes may complete.
/// </para>
/// </remarks>
public sealed class ChainBlockDevice : IBlockDevice, IAsyncDisposable
{
    // Guards _disk and _closed; held (shared or exclusive) across each VHDX call.
    private readonly AsyncReaderWriterLock _lock = new();
    private readonly IStorage _storage;
    private readonly Func<ValueTask>? _afterClose;

    // Flushes wait for it: the commit of the manifest that names this top (see OpenOnAsync).
    private readonly Task _named;
    private VhdxDisk? _disk;
    private bool _closed;

    // Set while a served merge tracks the writes since its prepare (see TrackWritesAsync).
    private volatile WrittenRanges? _written;

    private ChainBlockDevice(IStorage storage, VhdxDisk disk, bool readOnly, Func<ValueTask>? afterClose, Task? named = null)
    {
        _storage = storage;
        _disk = disk;
        _afterClose = afterClose;
        _named = named ?? Task.CompletedTask;
        Size = disk.VirtualSize;
        IsReadOnly = readOnly;
        TopPath = disk.Top.Path;
        Capabilities = readOnly
            ? BlockDeviceCapabilities.MultipleConnections
            : BlockDeviceCapabilities.Flush | BlockDeviceCapabilities.ForceUnitAccess | BlockDeviceCapabilities.MultipleConnections;
    }

    /// <inheritdoc />
    public long Size { get; }

    /// <inheritdoc />
    public BlockSizeConstraints BlockSizes => BlockSizeConstraints.Default;

    /// <inheritdoc />
    public bool IsReadOnly { get; }

    /// <summary>
    /// Flush and force-unit-access when writable; multiple connections always (there is no
    /// per-connection cache). No trim and no write-zeroes: neither is implemented.
    /// </summary>
    public BlockDeviceCapabilities Capabilities { get; }

    /// <summary>Path of the chain's top file.</summary>
    public string TopPath { get; }

    /// <summary>True once <see cref="CloseAsync"/> or <see cref="DisposeAsync"/> ran.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Opens the chain whose top file is <paramref name="topPath"/>; the top is opened read-write unless <paramref name="readOnly"/>.</summary>
    /// <exception cref="VhdxParentException">The chain does not resolve.</exception>
    /// <exception cref="VhdxFormatException">A file of the chain is malformed.</exception>
    public static Task<ChainBlockDevice> OpenAsync(IStorage storage, string topPath, bool readOnly, CancellationToken cancellationToken) =>
        OpenAsync(storage, topPath, readOnly, afterClose: null, cancellationToken);

    /// <summary>As the public overload; <paramref name="afterClose"/> runs once after the chain is closed (e.g. to delete a throwaway top).</summary>
    internal static async Task<ChainBlockDevice> OpenAsync(
        IStorage storage,
        string topPath,
        bool readOnly,
        Func<ValueTask>? afterClose,
        CancellationToken cancellationToken)
    {
        var disk = await VhdxDisk.OpenAsync(storage, topPath, new VhdxOpenOptions { ReadOnly = readOnly }, cancellationToken).ConfigureAwait(false);
        return new ChainBlockDevice(storage, disk, readOnly, afterClose);
    }

    /// <summary>
    /// A writable device over <paramref name="topPath"/>, a differencing child of
    /// <paramref name="parents"/>' top, reusing the open parents (see <see cref="VhdxDisk.StackAsync"/>):
    /// on success the device owns them; on failure the caller still does. It serves before the
    /// manifest naming the new top is durable, so its flushes (and FUA writes) first wait for
    /// <paramref name="named"/>, that commit, and fail if it fails: nothing is reported durable
    /// that a crash could still drop with the unnamed top.
    /// </summary>
    internal static async Task<ChainBlockDevice> OpenOnAsync(IStorage storage, VhdxDisk parents, string topPath, Task named, CancellationToken cancellationToken)
    {
        var disk = await parents.StackAsync(storage, topPath, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        return new ChainBlockDevice(storage, disk, readOnly: false, afterClose: null, named);
    }

    /// <summary>
    /// Creates (and closes) <paramref name="childPath"/>, a differencing child of the top as it is
    /// now, while the device keeps serving: it links to the top's DataWriteGuid, renewed first
    /// unless this session did already (<see cref="VhdxFile.BeginChangesAsync"/>), so later writes
    /// keep it. Returns that DataWriteGuid (still compare it with the top's when using the child).
    /// </summary>
    internal async Task<Guid> CreateChildOfTopAsync(string childPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!IsReadOnly)
        {
            // Renewed now, the DataWriteGuid stays what the child links to through later writes.
            await _lock.EnterExclusiveAsync().ConfigureAwait(false);
            try
            {
                await OpenDisk().Top.BeginChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.ExitExclusive();
            }
        }

        await _lock.EnterSharedAsync().ConfigureAwait(false);
        try
        {
            var top = OpenDisk().Top;
            var child = await VhdxFile.CreateDifferencingAsync(_storage, childPath, top, VhdxCreateOptions.DefaultDifferencingBlockSize, cancellationToken).ConfigureAwait(false);
            await child.DisposeAsync().ConfigureAwait(false);
            return top.DataWriteGuid;
        }
        finally
        {
            _lock.ExitShared();
        }
    }

    /// <summary>
    /// Ends the device without flushing or closing anything and hands its chain, the top still
    /// open read-write, to the caller, who must dispose it (or pass it to <see cref="OpenOnAsync"/>
    /// and end the top's writes with <see cref="EndParentWritesAsync"/>). Waits for the operations in
    /// progress; afterwards the device behaves as closed. Runs no close callback.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is already closed.</exception>
    internal async Task<VhdxDisk> DetachChainAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _lock.EnterExclusiveAsync().ConfigureAwait(false);
        try
        {
            var disk = OpenDisk();
            _closed = true;
            _disk = null;
            return disk;
        }
        finally
        {
            _lock.ExitExclusive();
        }
    }

    /// <summary>
    /// For a device made by <see cref="OpenOnAsync"/> over a chain whose top was still writable:
    /// makes that parent durable and closed for writing (<see cref="VhdxFile.EndWritesAsync"/>, its
    /// log commit and header updates) while the device serves. Returns the parent. Then call
    /// <see cref="ReleaseParentWriteHandleAsync"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    internal async Task<VhdxFile> EndParentWritesAsync(CancellationToken cancellationToken)
    {
        await _lock.EnterSharedAsync().ConfigureAwait(false);
        try
        {
            // Shared: reads through the parent may run meanwhile; nothing else writes to it.
            var parent = OpenDisk().Files[1];
            await parent.EndWritesAsync(cancellationToken).ConfigureAwait(false);
            return parent;
        }
        finally
        {
            _lock.ExitShared();
        }
    }

    /// <summary>
    /// After <see cref="EndParentWritesAsync"/>: briefly alone (requests wait), swaps the parent's
    /// writable handle for a read-only one, so that others may open the file again.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    internal async Task ReleaseParentWriteHandleAsync(CancellationToken cancellationToken)
    {
        await _lock.EnterExclusiveAsync().ConfigureAwait(false);
        try
        {
            await OpenDisk().Files[1].SwitchToReadOnlyHandleAsync(_storage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.ExitExclusive();
        }
    }

    /// <inheritdoc />
    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _lock.EnterSharedAsync().ConfigureAwait(false);
        try
        {
            await OpenDisk().ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.ExitShared();
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        cancellationToken.ThrowIfCancellationRequested();
        bool written;
        await _lock.EnterSharedAsync().ConfigureAwait(false);
        try
        {
            _written?.Add(offset, data.Length);
            written = await OpenDisk().TryWriteInPlaceAsync(offset, data, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.ExitShared();
        }

        if (!written)
        {
            await _lock.EnterExclusiveAsync().ConfigureAwait(false);
            try
            {
                // Again: tracking may have begun since the shared attempt.
                _written?.Add(offset, data.Length);
                await OpenDisk().WriteAsync(offset, data, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.ExitExclusive();
            }
        }

        if (forceUnitAccess)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Begins recording the ranges written from now on (replacing an earlier recording): waits for
    /// the writes in progress, so every write not recorded is in the top before this returns.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    internal async Task<WrittenRanges> TrackWritesAsync()
    {
        await _lock.EnterExclusiveAsync().ConfigureAwait(false);
        try
        {
            var written = new WrittenRanges(OpenDisk().Top.LogicalSectorSize);
            _written = written;
            return written;
        }
        finally
        {
            _lock.ExitExclusive();
        }
    }

    /// <summary>Stops recording written ranges (see <see cref="TrackWritesAsync"/>).</summary>
    internal void StopTrackingWrites() => _written = null;

    /// <summary>The extents the top holds itself, as it is now (see <see cref="VhdxFile.GetAllocationAsync"/>).</summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    internal async Task<IReadOnlyList<VhdxExtent>> GetTopAllocationAsync(CancellationToken cancellationToken)
    {
        await _lock.EnterSharedAsync().ConfigureAwait(false);
        try
        {
            return await OpenDisk().Top.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.ExitShared();
        }
    }

    /// <summary>Whether the top holds anything of its own (data or declared zeros), flushed or not; false once closed.</summary>
    public async Task<bool> TopHoldsDataAsync(CancellationToken cancellationToken)
    {
        await _lock.EnterSharedAsync().ConfigureAwait(false);
        try
        {
            return !_closed && (await _disk!.Top.GetAllocationAsync(cancellationToken).ConfigureAwait(false)).Count > 0;
        }
        finally
        {
            _lock.ExitShared();
        }
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _named.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _lock.EnterExclusiveAsync().ConfigureAwait(false);
        try
        {
            // After a close everything written is already durable.
            if (!_closed && !IsReadOnly)
            {
                await _disk!.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.ExitExclusive();
        }
    }

    /// <summary>Not supported (not advertised).</summary>
    public ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The chain device does not implement trim.");

    /// <summary>Not supported (not advertised).</summary>
    public ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The chain device does not implement write-zeroes.");

    /// <summary>
    /// Waits for the operation in progress, flushes the top (when writable) and closes every file
    /// of the chain. Idempotent.
    /// </summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _lock.EnterExclusiveAsync().ConfigureAwait(false);
        try
        {
            if (_closed)
            {
                return;
            }

            var disk = _disk!;
            try
            {
                if (!IsReadOnly)
                {
                    await disk.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _closed = true;
                _disk = null;
                await disk.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.ExitExclusive();
        }

        if (_afterClose is not null)
        {
            await _afterClose().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the chain (see <see cref="CloseAsync"/>).</summary>
    public ValueTask DisposeAsync() => CloseAsync(CancellationToken.None);

    private VhdxDisk OpenDisk()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _disk!;
    }

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException("The chain device is read-only.");
        }
    }
}
