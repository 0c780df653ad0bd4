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
/// succeeds at once (everything written was made durable by the close). That is what lets a seal
/// close the top file under a quiesced NBD export, whose pause flushes the replaced device later.
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
    /// now, while the device keeps serving: it links to the top's current DataWriteGuid, which a
    /// later first write of the session would renew (compare with the top's when using the child).
    /// Returns that DataWriteGuid.
    /// </summary>
    internal async Task<Guid> CreateChildOfTopAsync(string childPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
    /// Closes the device as <see cref="CloseAsync"/> does (the top flushed and committed) but keeps
    /// the chain open, the top reopened read-only, and hands it to the caller, who must dispose it
    /// (or pass it to <see cref="OpenOnAsync"/>). Runs no close callback.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is already closed.</exception>
    internal async Task<VhdxDisk> CloseToReadOnlyChainAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _lock.EnterExclusiveAsync().ConfigureAwait(false);
        try
        {
            var disk = OpenDisk();
            try
            {
                if (!IsReadOnly)
                {
                    await disk.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                _closed = true;
                _disk = null;
                await disk.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _closed = true;
            _disk = null;
            return await disk.ReopenReadOnlyAsync(_storage, cancellationToken).ConfigureAwait(false);
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
