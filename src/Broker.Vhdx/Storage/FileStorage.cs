using Microsoft.Win32.SafeHandles;

namespace Broker.Vhdx.Storage;

/// <summary>
/// <see cref="IStorage"/> on the local file system. Positional I/O with <see cref="RandomAccess"/>
/// on synchronous handles: on Linux the kernel completes these calls directly, which is faster than
/// bouncing every 4 KiB request through the thread pool.
/// </summary>
public sealed class FileStorage : IStorage
{
    /// <summary>The shared instance; the type has no state.</summary>
    public static FileStorage Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<IStorageFile> OpenAsync(string path, StorageOpenMode mode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        var (fileMode, access) = mode switch
        {
            StorageOpenMode.OpenReadOnly => (FileMode.Open, FileAccess.Read),
            StorageOpenMode.OpenReadWrite => (FileMode.Open, FileAccess.ReadWrite),
            StorageOpenMode.CreateNew => (FileMode.CreateNew, FileAccess.ReadWrite),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
        var share = access == FileAccess.Read ? FileShare.Read : FileShare.None;
        var handle = File.OpenHandle(path, fileMode, access, share);
        return ValueTask.FromResult<IStorageFile>(new LocalFile(path, handle, access != FileAccess.Read));
    }

    /// <inheritdoc />
    public bool FileExists(string path) => File.Exists(path);

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory) : [];

    /// <inheritdoc />
    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    /// <inheritdoc />
    public ValueTask RenameAsync(string source, string destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Move(source, destination, overwrite: true);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // No directory, no file: deleting a missing file is not an error (IStorage contract).
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask FlushDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsWindows())
        {
            DirectorySync.Flush(string.IsNullOrEmpty(directory) ? "." : directory);
        }

        return ValueTask.CompletedTask;
    }

    private sealed class LocalFile(string path, SafeFileHandle handle, bool canWrite) : IStorageFile
    {
        public string Path { get; } = path;

        public bool CanWrite { get; } = canWrite;

        public long Length => RandomAccess.GetLength(handle);

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var total = 0;
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(handle, buffer.Span[total..], offset + total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return ValueTask.FromResult(total);
        }

        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RandomAccess.Write(handle, data.Span, offset);
            return ValueTask.CompletedTask;
        }

        public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RandomAccess.SetLength(handle, length);
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RandomAccess.FlushToDisk(handle);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            handle.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
