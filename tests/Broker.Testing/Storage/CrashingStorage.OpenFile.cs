using Broker.Vhdx.Storage;

namespace Broker.Testing.Storage;

public sealed partial class CrashingStorage
{
    /// <summary>A handle on a simulated file; all state lives in the storage, under its lock.</summary>
    private sealed class OpenFile(CrashingStorage storage, SimulatedFile file, string path, bool canWrite) : IStorageFile
    {
        private bool _disposed;

        public string Path { get; } = path;

        public bool CanWrite { get; } = canWrite;

        public long Length
        {
            get
            {
                lock (storage._lock)
                {
                    ThrowIfUnusable();
                    return file.Current.Length;
                }
            }
        }

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            cancellationToken.ThrowIfCancellationRequested();
            lock (storage._lock)
            {
                ThrowIfUnusable();
                return ValueTask.FromResult(file.Current.Read(offset, buffer.Span));
            }
        }

        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            cancellationToken.ThrowIfCancellationRequested();
            lock (storage._lock)
            {
                ThrowIfUnusable();
                ThrowIfReadOnly();
                var sequence = storage.BeginOperation($"write {Path} [{offset}, {offset + data.Length})");
                var operation = DataOperation.Write(sequence, offset, data.ToArray());
                operation.ApplyTo(file.Current);
                file.Pending.Add(operation);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            cancellationToken.ThrowIfCancellationRequested();
            lock (storage._lock)
            {
                ThrowIfUnusable();
                ThrowIfReadOnly();
                var sequence = storage.BeginOperation($"set length {Path} {length}");
                var operation = DataOperation.SetLength(sequence, length);
                operation.ApplyTo(file.Current);
                file.Pending.Add(operation);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (storage._lock)
            {
                ThrowIfUnusable();
                _ = storage.BeginOperation($"flush {Path}");
                file.Flush();
                storage._fileFlushCount++;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            lock (storage._lock)
            {
                // Closing after a crash is allowed (and does nothing) so cleanup code cannot
                // replace the crash with a different exception.
                if (!_disposed)
                {
                    _disposed = true;
                    if (CanWrite)
                    {
                        file.OpenWriters--;
                    }
                    else
                    {
                        file.OpenReaders--;
                    }
                }
            }

            return ValueTask.CompletedTask;
        }

        private void ThrowIfUnusable()
        {
            storage.ThrowIfCrashed();
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        private void ThrowIfReadOnly()
        {
            if (!CanWrite)
            {
                throw new UnauthorizedAccessException($"'{Path}' was opened read-only.");
            }
        }
    }
}
