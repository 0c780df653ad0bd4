using System.Collections.Concurrent;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests;

/// <summary>
/// A storage whose process stops, as under SIGKILL: after <see cref="Stop"/> every operation fails
/// and does nothing, while what was written before stays as the operating system holds it (written,
/// if not flushed). Files opened through it are closed without writing when disposed. It also
/// counts the bytes read from each file, to show what a step reads back.
/// </summary>
internal sealed class StoppingStorage(IStorage inner) : IStorage
{
    private readonly ConcurrentDictionary<string, long> _bytesRead = new(StringComparer.Ordinal);
    private volatile bool _stopped;

    public bool Stopped => _stopped;

    public void Stop() => _stopped = true;

    /// <summary>Bytes read so far from files whose name passes <paramref name="name"/>.</summary>
    public long BytesRead(Func<string, bool> name) => _bytesRead.Where(file => name(Path.GetFileName(file.Key))).Sum(file => file.Value);

    public async ValueTask<IStorageFile> OpenAsync(string path, StorageOpenMode mode, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        return new StoppingFile(await inner.OpenAsync(path, mode, cancellationToken), this);
    }

    public bool FileExists(string path)
    {
        ThrowIfStopped();
        return inner.FileExists(path);
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        ThrowIfStopped();
        return inner.ListFiles(directory);
    }

    public void CreateDirectory(string directory)
    {
        ThrowIfStopped();
        inner.CreateDirectory(directory);
    }

    public ValueTask RenameAsync(string source, string destination, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        return inner.RenameAsync(source, destination, cancellationToken);
    }

    public ValueTask DeleteAsync(string path, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        return inner.DeleteAsync(path, cancellationToken);
    }

    public ValueTask FlushDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        return inner.FlushDirectoryAsync(directory, cancellationToken);
    }

    private void ThrowIfStopped()
    {
        if (_stopped)
        {
            throw new IOException("The process has stopped.");
        }
    }

    private sealed class StoppingFile(IStorageFile file, StoppingStorage storage) : IStorageFile
    {
        public string Path => file.Path;

        public bool CanWrite => file.CanWrite;

        public long Length => file.Length;

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            storage.ThrowIfStopped();
            var read = await file.ReadAsync(offset, buffer, cancellationToken);
            _ = storage._bytesRead.AddOrUpdate(file.Path, read, (_, total) => total + read);
            return read;
        }

        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            storage.ThrowIfStopped();
            return file.WriteAsync(offset, data, cancellationToken);
        }

        public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken)
        {
            storage.ThrowIfStopped();
            return file.SetLengthAsync(length, cancellationToken);
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            storage.ThrowIfStopped();
            return file.FlushAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => file.DisposeAsync();
    }
}
