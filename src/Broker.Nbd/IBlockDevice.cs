namespace Broker.Nbd;

/// <summary>
/// A fixed-size range of bytes the NBD server exports. Implementations must allow concurrent calls:
/// the server runs many requests at once and only promises that a request it has replied to was
/// completed before a later flush started. Ranges passed in are already checked against
/// <see cref="Size"/>, <see cref="BlockSizes"/>, <see cref="IsReadOnly"/> and
/// <see cref="Capabilities"/>.
/// </summary>
public interface IBlockDevice
{
    /// <summary>Size of the device in bytes; constant for the life of the device.</summary>
    long Size { get; }

    /// <summary>Alignment and length limits of requests.</summary>
    BlockSizeConstraints BlockSizes { get; }

    /// <summary>True when writes, trims and write-zeroes are refused.</summary>
    bool IsReadOnly { get; }

    /// <summary>The optional operations this device truthfully supports.</summary>
    BlockDeviceCapabilities Capabilities { get; }

    /// <summary>Fills <paramref name="buffer"/> with the bytes at <paramref name="offset"/>.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/>; with
    /// <paramref name="forceUnitAccess"/> the data is durable when the task completes.
    /// </summary>
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, bool forceUnitAccess, CancellationToken cancellationToken);

    /// <summary>Makes every write that completed before this call durable.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>A hint that the range is no longer needed; its content is undefined afterwards.</summary>
    ValueTask TrimAsync(long offset, long length, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the range read as zeroes. With <paramref name="mayDeallocate"/> false (NBD_CMD_FLAG_NO_HOLE)
    /// the range must stay allocated; with <paramref name="forceUnitAccess"/> it is durable on completion.
    /// </summary>
    ValueTask WriteZeroesAsync(long offset, long length, bool mayDeallocate, bool forceUnitAccess, CancellationToken cancellationToken);
}
