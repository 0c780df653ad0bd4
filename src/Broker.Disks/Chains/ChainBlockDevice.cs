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
/// The VHDX library is not thread-safe, so one async lock serialises every operation on the chain
/// (the NBD server still pipelines; requests simply execute one at a time). A later performance
/// pass may split reads of sealed layers from writes to the top.
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
    // Guards _disk and _closed; held across each VHDX call.
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Func<ValueTask>? _afterClose;
    private VhdxDisk? _disk;
    private bool _closed;

    private ChainBlockDevice(VhdxDisk disk, bool readOnly, Func<ValueTask>? afterClose)
    {
        _disk = disk;
        _afterClose = afterClose;
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
        return new ChainBlockDevice(disk, readOnly, afterClose);
    }

    /// <inheritdoc />
    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenDisk().ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = _lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var disk = OpenDisk();
            await disk.WriteAsync(offset, data, cancellationToken).ConfigureAwait(false);
            if (forceUnitAccess)
            {
                await disk.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _ = _lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
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
            _ = _lock.Release();
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
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
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
            _ = _lock.Release();
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
