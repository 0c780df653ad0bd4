using System.Text.Json.Serialization.Metadata;
using Broker.Vhdx.Storage;

namespace Broker.Disks.State;

/// <summary>
/// A small durable value (bytes) kept as two copies, in the spirit of Romulus (design §7): a
/// commit writes the copy that is not current with the next sequence number and flushes it;
/// recovery takes the valid copy with the higher sequence. Every byte goes through
/// <see cref="IStorage"/>.
/// </summary>
/// <remarks>
/// <para>
/// Layout: two files, <c>PATH.0</c> and <c>PATH.1</c>, each a <c>TwinCopyHeader</c> (signature,
/// sequence, length, CRC-32C) followed by the value. Two files rather than two slots in one file
/// because a value can grow without moving a slot, and a torn write can only damage the copy being
/// replaced. A copy file is born whole: written as <c>PATH.new</c>, flushed, renamed into place
/// and the directory flushed, so an existing copy name always had a valid copy behind it and a
/// crash while the store is young leaves "no copy" (an empty store), never a broken one.
/// </para>
/// <para>
/// Flushes per commit: 1 in steady state (write the inactive copy in place, flush it; it is now
/// the newest valid copy, no separate flip needed); 2 for the commit that creates a copy file
/// (file, directory). Opening flushes the current copy and the directory once (2 more), so a value
/// read after a process crash cannot roll back at a later power loss.
/// </para>
/// <para>
/// Concurrency: one commit at a time (a semaphore); <see cref="Value"/> and
/// <see cref="Sequence"/> are the last committed snapshot, readable from any thread at any time.
/// The open store holds both copy files open read-write, which also keeps a second store off them.
/// </para>
/// </remarks>
public sealed class TwinCopyStore : IAsyncDisposable
{
    /// <summary>The largest value a store keeps; it is rewritten whole on every commit.</summary>
    public const int MaxValueLength = 16 * 1024 * 1024;

    private const int CopyCount = 2;

    private const string StagingSuffix = ".new";

    private readonly IStorage _storage;
    private readonly string _directory;
    private readonly string[] _copyPaths;
    private readonly string _stagingPath;
    private readonly IStorageFile?[] _copies;

    // One commit at a time; also guards _copies and disposal.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile Snapshot _current;
    private bool _disposed;

    private TwinCopyStore(IStorage storage, string path, IStorageFile?[] copies, Snapshot current)
    {
        _storage = storage;
        Path = path;
        _directory = System.IO.Path.GetDirectoryName(path) ?? string.Empty;
        _copyPaths = [CopyPath(path, 0), CopyPath(path, 1)];
        _stagingPath = path + StagingSuffix;
        _copies = copies;
        _current = current;
    }

    /// <summary>The store's path; the copies are this plus <c>.0</c> and <c>.1</c>.</summary>
    public string Path { get; }

    /// <summary>Sequence number of the last committed value; 0 while the store has never been committed.</summary>
    public ulong Sequence => _current.Sequence;

    /// <summary>True while the store has never been committed (then <see cref="Value"/> is empty).</summary>
    public bool IsEmpty => _current.Sequence == 0;

    /// <summary>The last committed value. The memory is never modified; a commit replaces it.</summary>
    /// <remarks>Read together with <see cref="Sequence"/>, a commit may fall between the two reads.</remarks>
    public ReadOnlyMemory<byte> Value => _current.Value;

    /// <summary>Emptiness and value of one committed snapshot, read together.</summary>
    internal (bool IsEmpty, ReadOnlyMemory<byte> Value) ReadSnapshot()
    {
        var current = _current;
        return (current.Sequence == 0, current.Value);
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating its directory if needed. A store with no
    /// copy file opens empty; otherwise the valid copy with the higher sequence is current.
    /// </summary>
    /// <exception cref="StateStoreCorruptException">Copy files exist but none is valid.</exception>
    /// <exception cref="IOException">The copies cannot be opened (for example another store has them open).</exception>
    public static async ValueTask<TwinCopyStore> OpenAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            storage.CreateDirectory(directory);
        }

        var copies = new IStorageFile?[CopyCount];
        try
        {
            var best = new Snapshot(0, -1, []);
            var problems = new string[CopyCount];
            for (var index = 0; index < CopyCount; index++)
            {
                var copyPath = CopyPath(path, index);
                if (!storage.FileExists(copyPath))
                {
                    problems[index] = $"'{copyPath}': missing";
                    continue;
                }

                copies[index] = await storage.OpenAsync(copyPath, StorageOpenMode.OpenReadWrite, cancellationToken);
                var (snapshot, problem) = await ReadCopyAsync(copies[index]!, index, cancellationToken);
                problems[index] = $"'{copyPath}': {problem ?? "valid"}";
                if (snapshot is not null && snapshot.Sequence > best.Sequence)
                {
                    best = snapshot;
                }
            }

            if (best.Copy < 0 && copies.Any(copy => copy is not null))
            {
                throw new StateStoreCorruptException($"State store '{path}' has no valid copy: {string.Join("; ", problems)}.")
                {
                    StorePath = path,
                };
            }

            if (best.Copy >= 0)
            {
                // What we are about to report as committed may so far live only in the page cache
                // (a process that crashed before its flush); make it durable before anyone acts on it.
                await copies[best.Copy]!.FlushAsync(cancellationToken);
                await storage.FlushDirectoryAsync(directory ?? string.Empty, cancellationToken);
            }

            return new TwinCopyStore(storage, path, copies, best);
        }
        catch
        {
            foreach (var copy in copies)
            {
                if (copy is not null)
                {
                    await copy.DisposeAsync();
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/> as a <see cref="TwinCopyJsonStore{T}"/> (see
    /// <see cref="OpenAsync"/>); the committed value is deserialised once to check it.
    /// </summary>
    /// <exception cref="StateStoreCorruptException">No valid copy, or the newest valid copy is not a <typeparamref name="T"/>.</exception>
    public static async ValueTask<TwinCopyJsonStore<T>> OpenJsonAsync<T>(
        IStorage storage,
        string path,
        JsonTypeInfo<T> typeInfo,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var store = await OpenAsync(storage, path, cancellationToken);
        var typed = new TwinCopyJsonStore<T>(store, typeInfo);
        try
        {
            _ = typed.Read();
        }
        catch (StateStoreCorruptException)
        {
            await store.DisposeAsync();
            throw;
        }

        return typed;
    }

    /// <summary>
    /// Makes <paramref name="value"/> the committed value. When this returns, the value is durable
    /// and is what <see cref="Value"/> shows; if it throws, the committed value is either the old
    /// one or (after a crash) possibly the new one, never anything else.
    /// </summary>
    public async ValueTask CommitAsync(ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await CommitLockedAsync(value, cancellationToken);
        }
        finally
        {
            _ = _writer.Release();
        }
    }

    /// <summary>
    /// Read-modify-write under the writer lock: <paramref name="update"/> gets the committed value
    /// and returns the value to commit, which this returns once durable.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> UpdateAsync(
        Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> update,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var value = update(_current.Value);
            await CommitLockedAsync(value, cancellationToken);
            return _current.Value;
        }
        finally
        {
            _ = _writer.Release();
        }
    }

    /// <summary>Closes the copy files after any commit in progress; nothing is written.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            for (var index = 0; index < CopyCount; index++)
            {
                if (_copies[index] is { } copy)
                {
                    _copies[index] = null;
                    await copy.DisposeAsync();
                }
            }
        }
        finally
        {
            _ = _writer.Release();
        }
    }

    /// <summary>The names of every file a store opened at <paramref name="path"/> may own: both copies and the staging file.</summary>
    internal static string[] FileNames(string path) => [CopyPath(path, 0), CopyPath(path, 1), path + StagingSuffix];

    private static string CopyPath(string path, int index) => $"{path}.{index}";

    private static async ValueTask<(Snapshot? Snapshot, string? Problem)> ReadCopyAsync(
        IStorageFile file,
        int index,
        CancellationToken cancellationToken)
    {
        var length = file.Length;
        var headerBytes = new byte[TwinCopyHeader.Size];
        if (length < TwinCopyHeader.Size || await file.ReadAsync(0, headerBytes, cancellationToken) < TwinCopyHeader.Size)
        {
            return (null, $"{length} bytes, shorter than the {TwinCopyHeader.Size}-byte header");
        }

        if (!TwinCopyHeader.TryRead(headerBytes, MaxValueLength, out var header))
        {
            return (null, $"bad signature or value length over {MaxValueLength} (header at offset {TwinCopyHeader.SignatureOffset})");
        }

        if (header.PayloadLength > length - TwinCopyHeader.Size)
        {
            return (null, $"value length {header.PayloadLength} (offset {TwinCopyHeader.PayloadLengthOffset}) runs past the end of the {length}-byte file");
        }

        var payload = new byte[header.PayloadLength];
        if (await file.ReadAsync(TwinCopyHeader.Size, payload, cancellationToken) < payload.Length)
        {
            return (null, $"value shorter than its length {header.PayloadLength}");
        }

        if (!header.Matches(payload))
        {
            return (null, $"checksum mismatch (checksum at offset {TwinCopyHeader.ChecksumOffset})");
        }

        return header.Sequence == 0
            ? (null, $"sequence 0 (offset {TwinCopyHeader.SequenceOffset}) is never written")
            : (new Snapshot(header.Sequence, index, payload), null);
    }

    private async ValueTask CommitLockedAsync(ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, MaxValueLength, nameof(value));
        var current = _current;
        var target = current.Copy == 0 ? 1 : 0;
        var sequence = current.Sequence + 1;
        var payload = value.ToArray();
        var record = new byte[TwinCopyHeader.Size + payload.Length];
        TwinCopyHeader.Create(sequence, payload).Write(record);
        payload.CopyTo(record, TwinCopyHeader.Size);

        if (_copies[target] is { } copy)
        {
            // Overwrite the older copy in place. A torn result fails its checksum and recovery
            // keeps the current copy; once the flush returns this copy has the higher sequence.
            await copy.WriteAsync(0, record, cancellationToken);
            if (copy.Length > record.Length)
            {
                await copy.SetLengthAsync(record.Length, cancellationToken);
            }

            await copy.FlushAsync(cancellationToken);
        }
        else
        {
            _copies[target] = await CreateCopyAsync(target, record, cancellationToken);
        }

        _current = new Snapshot(sequence, target, payload);
    }

    /// <summary>Creates a copy file whole (staging file, flush, rename, directory flush) and opens it.</summary>
    private async ValueTask<IStorageFile> CreateCopyAsync(int index, byte[] record, CancellationToken cancellationToken)
    {
        await _storage.DeleteAsync(_stagingPath, cancellationToken);
        var staging = await _storage.OpenAsync(_stagingPath, StorageOpenMode.CreateNew, cancellationToken);
        await using (staging)
        {
            await staging.WriteAsync(0, record, cancellationToken);
            await staging.FlushAsync(cancellationToken);
        }

        await _storage.RenameAsync(_stagingPath, _copyPaths[index], cancellationToken);
        await _storage.FlushDirectoryAsync(_directory, cancellationToken);
        return await _storage.OpenAsync(_copyPaths[index], StorageOpenMode.OpenReadWrite, cancellationToken);
    }

    /// <summary>A committed value: its sequence, the copy that holds it (-1 for none) and its bytes.</summary>
    private sealed record Snapshot(ulong Sequence, int Copy, byte[] Value);
}
