using Microsoft.Win32.SafeHandles;

namespace Broker.Nbd;

/// <summary>
/// A raw file (or block device node) as a block device, through <see cref="RandomAccess"/>. The
/// device owns the handle and closes it on dispose. Trim is not offered: discarding would need hole
/// punching, which the BCL does not expose. Write-zeroes writes real zeroes, so it never leaves a hole.
/// </summary>
public sealed class FileBlockDevice : IBlockDevice, IDisposable
{
    private const int ZeroChunk = 1 << 20;

    private static readonly byte[] Zeroes = new byte[ZeroChunk];

    private readonly SafeFileHandle _handle;

    private FileBlockDevice(SafeFileHandle handle, long size, bool isReadOnly, BlockSizeConstraints blockSizes)
    {
        _handle = handle;
        Size = size;
        IsReadOnly = isReadOnly;
        BlockSizes = blockSizes;
    }

    /// <inheritdoc/>
    public long Size { get; }

    /// <inheritdoc/>
    public BlockSizeConstraints BlockSizes { get; }

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <inheritdoc/>
    public BlockDeviceCapabilities Capabilities =>
        BlockDeviceCapabilities.Flush | BlockDeviceCapabilities.ForceUnitAccess
        | BlockDeviceCapabilities.WriteZeroes | BlockDeviceCapabilities.MultipleConnections;

    /// <summary>Opens an existing file; its current length is the device size.</summary>
    public static FileBlockDevice Open(string path, bool readOnly = false, BlockSizeConstraints? blockSizes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var handle = File.OpenHandle(
            path,
            FileMode.Open,
            readOnly ? FileAccess.Read : FileAccess.ReadWrite,
            readOnly ? FileShare.Read : FileShare.None,
            FileOptions.Asynchronous);
        try
        {
            var sizes = blockSizes ?? BlockSizeConstraints.Default;
            var size = RandomAccess.GetLength(handle);
            if (size % sizes.Minimum != 0)
            {
                throw new ArgumentException($"The file length {size} is not a multiple of the minimum block size {sizes.Minimum}.", nameof(blockSizes));
            }

            return new FileBlockDevice(handle, size, readOnly, sizes);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var read = await RandomAccess.ReadAsync(_handle, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException($"The file ended at {offset} inside the device size {Size}.");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        await RandomAccess.WriteAsync(_handle, data, offset, cancellationToken).ConfigureAwait(false);
        if (forceUnitAccess)
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (!IsReadOnly)
        {
            RandomAccess.FlushToDisk(_handle);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A raw file device does not discard.");

    /// <inheritdoc/>
    public async ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        while (length > 0)
        {
            var count = (int)Math.Min(length, ZeroChunk);
            await RandomAccess.WriteAsync(_handle, Zeroes.AsMemory(0, count), offset, cancellationToken).ConfigureAwait(false);
            offset += count;
            length -= count;
        }

        if (forceUnitAccess)
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new UnauthorizedAccessException("The device is read-only.");
        }
    }
}
