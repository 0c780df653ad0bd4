namespace Broker.Vhdx.Storage;

/// <summary>
/// An open file with positional I/O. Safe for concurrent reads and writes of disjoint ranges;
/// callers order overlapping writes themselves. Disposal closes the handle without flushing.
/// </summary>
public interface IStorageFile : IAsyncDisposable
{
    /// <summary>The path the file was opened with.</summary>
    string Path { get; }

    /// <summary>False when opened with <see cref="StorageOpenMode.OpenReadOnly"/>.</summary>
    bool CanWrite { get; }

    /// <summary>Current length in bytes, including writes not yet flushed.</summary>
    long Length { get; }

    /// <summary>
    /// Reads into <paramref name="buffer"/> from <paramref name="offset"/>; returns the number of
    /// bytes read, which is less than the buffer only at end of file.
    /// </summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>, extending the file if needed.</summary>
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Truncates or extends (with zeros) the file.</summary>
    ValueTask SetLengthAsync(long length, CancellationToken cancellationToken);

    /// <summary>Makes every earlier write and length change of this file durable (fsync).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
