using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests;

/// <summary>
/// A storage whose process stops, as under SIGKILL: after <see cref="Stop"/> every operation fails
/// and does nothing, while what was written before stays as the operating system holds it (written,
/// if not flushed). Files opened through it are closed without writing when disposed.
/// </summary>
internal sealed class StoppingStorage(IStorage inner) : IStorage
{
    private volatile bool _stopped;

    public bool Stopped => _stopped;

    public void Stop() => _stopped = true;

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

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            storage.ThrowIfStopped();
            return file.ReadAsync(offset, buffer, cancellationToken);
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
