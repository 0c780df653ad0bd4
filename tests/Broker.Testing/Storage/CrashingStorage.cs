using Broker.Vhdx.Storage;

namespace Broker.Testing.Storage;

/// <summary>
/// An in-memory <see cref="IStorage"/> that tracks what is durable and what is not, can crash at
/// any durable operation and can then <see cref="Materialise"/> any on-disk state a real power
/// loss may leave (design §7). Paths are virtual: relative ones resolve against <c>/</c>.
/// </summary>
/// <remarks>
/// <para>
/// Model: a file's writes and length changes are durable after its
/// <see cref="IStorageFile.FlushAsync"/>; a create, rename or delete is durable after
/// <see cref="FlushDirectoryAsync"/> of the directory holding the name (either directory for a
/// rename between two). Flushing a file does not make its name durable, and a directory flush
/// also commits earlier unflushed name operations that share a directory with what it commits, so
/// surviving name operations always replay in issue order. Directories themselves are created
/// durable at once and are not counted. Sharing follows <see cref="FileStorage"/>: a read-write
/// handle excludes every other handle, read-only handles exclude writers.
/// </para>
/// <para>
/// Counted ("durable I/O") operations: create (<see cref="StorageOpenMode.CreateNew"/>), write,
/// set length, file flush, rename, delete and directory flush. <see cref="CrashAfter"/> lets a
/// number of them complete and refuses the next one with <see cref="StorageCrashedException"/>,
/// without effect; from then on every call (reads too) throws it. Thread-safe: one lock guards all
/// state.
/// </para>
/// </remarks>
public sealed partial class CrashingStorage : IStorage
{
    private const string Root = "/";

    // Guards every field below and the state of every SimulatedFile reachable from them.
    private readonly Lock _lock = new();
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { Root };
    private readonly Dictionary<string, SimulatedFile> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedFile> _durableNames = new(StringComparer.Ordinal);
    private readonly List<NameOperation> _pendingNames = [];
    private readonly List<string> _log = [];
    private long _sequence;
    private int _nextFileId;
    private int _operationCount;
    private int _fileFlushCount;
    private int _directoryFlushCount;
    private int _crashBudget = -1;
    private string? _refusedOperation;

    /// <summary>Durable I/O operations completed so far (see the remarks for which count).</summary>
    public int OperationCount
    {
        get
        {
            lock (_lock)
            {
                return _operationCount;
            }
        }
    }

    /// <summary>File flushes plus directory flushes completed so far.</summary>
    public int FlushCount
    {
        get
        {
            lock (_lock)
            {
                return _fileFlushCount + _directoryFlushCount;
            }
        }
    }

    /// <summary>File flushes completed so far.</summary>
    public int FileFlushCount
    {
        get
        {
            lock (_lock)
            {
                return _fileFlushCount;
            }
        }
    }

    /// <summary>Directory flushes completed so far.</summary>
    public int DirectoryFlushCount
    {
        get
        {
            lock (_lock)
            {
                return _directoryFlushCount;
            }
        }
    }

    /// <summary>True once the storage has crashed; every call then throws <see cref="StorageCrashedException"/>.</summary>
    public bool HasCrashed
    {
        get
        {
            lock (_lock)
            {
                return _refusedOperation is not null;
            }
        }
    }

    /// <summary>The operation the crash refused (or why the storage went down), for failure messages.</summary>
    public string? RefusedOperation
    {
        get
        {
            lock (_lock)
            {
                return _refusedOperation;
            }
        }
    }

    /// <summary>Every counted operation so far, numbered from 1, for failure messages.</summary>
    public IReadOnlyList<string> OperationLog
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>
    /// Lets <paramref name="operations"/> more counted operations complete, then crashes at the next
    /// one (0 = the very next one).
    /// </summary>
    public void CrashAfter(int operations)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(operations);
        lock (_lock)
        {
            ThrowIfCrashed();
            _crashBudget = operations;
        }
    }

    /// <summary>Crashes now: the power is cut between two operations.</summary>
    public void Crash()
    {
        lock (_lock)
        {
            _refusedOperation ??= "power cut between operations";
        }
    }

    /// <summary>
    /// An independent copy of the whole state with unflushed changes still unflushed and no file
    /// open, as after a process restart without power loss; counters and the log start afresh.
    /// </summary>
    public CrashingStorage Fork()
    {
        lock (_lock)
        {
            var copy = new CrashingStorage();
            copy._directories.UnionWith(_directories);
            copy._nextFileId = _nextFileId;
            copy._sequence = _sequence;
            var files = new Dictionary<SimulatedFile, SimulatedFile>();
            SimulatedFile? Map(SimulatedFile? file)
            {
                if (file is null)
                {
                    return null;
                }

                if (!files.TryGetValue(file, out var mapped))
                {
                    mapped = new SimulatedFile(file.Id, file.Durable.Clone(), file.Current.Clone(), [.. file.Pending]);
                    files.Add(file, mapped);
                }

                return mapped;
            }

            foreach (var (path, file) in _names)
            {
                copy._names.Add(path, Map(file)!);
            }

            foreach (var (path, file) in _durableNames)
            {
                copy._durableNames.Add(path, Map(file)!);
            }

            copy._pendingNames.AddRange(_pendingNames.Select(operation => operation.WithFile(Map(operation.File))));
            return copy;
        }
    }

    /// <summary>The current bytes of a file (what a read would see), without counting an operation.</summary>
    /// <exception cref="FileNotFoundException">No file has that name.</exception>
    public byte[] GetBytes(string path)
    {
        lock (_lock)
        {
            ThrowIfCrashed();
            var canonical = CanonicalPath(path);
            return _names.TryGetValue(canonical, out var file)
                ? file.Current.ToArray()
                : throw new FileNotFoundException($"No simulated file '{canonical}'.", path);
        }
    }

    /// <summary>
    /// Creates or replaces a file with <paramref name="content"/>, durably (name and bytes) and
    /// without counting an operation: for arranging a test's starting state, e.g. a corrupt file.
    /// Parent directories are created.
    /// </summary>
    public void SetDurableBytes(string path, ReadOnlySpan<byte> content)
    {
        lock (_lock)
        {
            ThrowIfCrashed();
            var canonical = CanonicalPath(path);
            AddDirectoryWithParents(NameOperation.ParentOf(canonical));
            var file = new SimulatedFile(_nextFileId++);
            file.Current.Write(0, content);
            file.Flush();
            _names[canonical] = file;
            _durableNames[canonical] = file;
        }
    }

    /// <inheritdoc />
    public ValueTask<IStorageFile> OpenAsync(string path, StorageOpenMode mode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        var canonical = CanonicalPath(path);
        lock (_lock)
        {
            SimulatedFile file;
            var canWrite = mode != StorageOpenMode.OpenReadOnly;
            switch (mode)
            {
                case StorageOpenMode.OpenReadOnly:
                case StorageOpenMode.OpenReadWrite:
                    ThrowIfCrashed();
                    RequireDirectory(canonical);
                    if (!_names.TryGetValue(canonical, out file!))
                    {
                        throw new FileNotFoundException($"Could not find file '{canonical}'.", path);
                    }

                    if (file.OpenWriters > 0 || (canWrite && file.OpenReaders > 0))
                    {
                        throw new IOException($"The process cannot access the file '{canonical}' because it is being used by another process.");
                    }

                    break;
                case StorageOpenMode.CreateNew:
                    var sequence = BeginOperation($"create {canonical}");
                    RequireDirectory(canonical);
                    if (_names.ContainsKey(canonical))
                    {
                        throw new IOException($"The file '{canonical}' already exists.");
                    }

                    file = new SimulatedFile(_nextFileId++);
                    _names.Add(canonical, file);
                    _pendingNames.Add(NameOperation.Create(sequence, canonical, file));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
            }

            if (canWrite)
            {
                file.OpenWriters++;
            }
            else
            {
                file.OpenReaders++;
            }

            return ValueTask.FromResult<IStorageFile>(new OpenFile(this, file, path, canWrite));
        }
    }

    /// <inheritdoc />
    public bool FileExists(string path)
    {
        var canonical = CanonicalPath(path);
        lock (_lock)
        {
            ThrowIfCrashed();
            return _names.ContainsKey(canonical);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory)
    {
        var canonical = CanonicalDirectory(directory);
        lock (_lock)
        {
            ThrowIfCrashed();
            return [.. _names.Keys
                .Where(path => NameOperation.ParentOf(path) == canonical)
                .Order(StringComparer.Ordinal)
                .Select(path => Path.Combine(directory, Path.GetFileName(path)))];
        }
    }

    /// <inheritdoc />
    public void CreateDirectory(string directory)
    {
        var canonical = CanonicalDirectory(directory);
        lock (_lock)
        {
            ThrowIfCrashed();
            if (_names.ContainsKey(canonical))
            {
                throw new IOException($"A file named '{canonical}' exists.");
            }

            AddDirectoryWithParents(canonical);
        }
    }

    /// <inheritdoc />
    public ValueTask RenameAsync(string source, string destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        cancellationToken.ThrowIfCancellationRequested();
        var from = CanonicalPath(source);
        var to = CanonicalPath(destination);
        lock (_lock)
        {
            var sequence = BeginOperation($"rename {from} -> {to}");
            RequireDirectory(from);
            RequireDirectory(to);
            if (!_names.TryGetValue(from, out var file))
            {
                throw new FileNotFoundException($"Could not find file '{from}'.", source);
            }

            if (from != to)
            {
                _ = _names.Remove(from);
                _names[to] = file;
                _pendingNames.Add(NameOperation.Rename(sequence, from, to));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        var canonical = CanonicalPath(path);
        lock (_lock)
        {
            var sequence = BeginOperation($"delete {canonical}");
            if (_names.Remove(canonical))
            {
                _pendingNames.Add(NameOperation.Delete(sequence, canonical));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask FlushDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var canonical = CanonicalDirectory(string.IsNullOrEmpty(directory) ? "." : directory);
        lock (_lock)
        {
            _ = BeginOperation($"flush directory {canonical}");
            if (!_directories.Contains(canonical))
            {
                throw new DirectoryNotFoundException($"Could not find directory '{canonical}'.");
            }

            // Walk back from the newest operation: commit those touching a committed directory,
            // and from then on the directories they touch too, so committed operations keep
            // their order relative to every earlier operation on the same names.
            var committing = new HashSet<string>(StringComparer.Ordinal) { canonical };
            var committed = new List<NameOperation>();
            for (var index = _pendingNames.Count - 1; index >= 0; index--)
            {
                var operation = _pendingNames[index];
                if (operation.Directories.Any(committing.Contains))
                {
                    committing.UnionWith(operation.Directories);
                    committed.Add(operation);
                    _pendingNames.RemoveAt(index);
                }
            }

            committed.Reverse();
            foreach (var operation in committed)
            {
                operation.ApplyTo(_durableNames);
            }

            _directoryFlushCount++;
        }

        return ValueTask.CompletedTask;
    }

    private static string CanonicalPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, Root));
    }

    private static string CanonicalDirectory(string directory) =>
        CanonicalPath(string.IsNullOrEmpty(directory) ? "." : directory);

    private void AddDirectoryWithParents(string directory)
    {
        for (var current = directory; current is not null && _directories.Add(current); current = Path.GetDirectoryName(current))
        {
        }
    }

    private void RequireDirectory(string path)
    {
        var parent = NameOperation.ParentOf(path);
        if (!_directories.Contains(parent))
        {
            throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
        }
    }

    private void ThrowIfCrashed()
    {
        if (_refusedOperation is not null)
        {
            throw new StorageCrashedException($"The simulated storage crashed ({_refusedOperation}); no further I/O.");
        }
    }

    /// <summary>Counts a durable operation, or crashes instead when the budget is spent. Call under the lock.</summary>
    private long BeginOperation(string description)
    {
        ThrowIfCrashed();
        if (_crashBudget == 0)
        {
            _refusedOperation = $"operation #{_operationCount + 1}: {description}";
            throw new StorageCrashedException($"Simulated crash at {_refusedOperation}.");
        }

        if (_crashBudget > 0)
        {
            _crashBudget--;
        }

        _operationCount++;
        _log.Add($"#{_operationCount} {description}");
        return ++_sequence;
    }
}
