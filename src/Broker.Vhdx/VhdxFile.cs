using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

/// <summary>
/// One VHDX file (fixed, dynamic or differencing): its metadata, reads and writes of its own data,
/// flush and its allocation map. A differencing file on its own reads absent sectors as zeros; use
/// <see cref="VhdxDisk"/> to read through the parent chain.
/// </summary>
/// <remarks>
/// Not safe for concurrent use: callers issue one operation at a time. Writes put payload into the
/// file at once; BAT and sector bitmap changes are kept in memory (reads see them immediately) and
/// committed through the VHDX log by <see cref="FlushAsync"/> (design §4). Dispose commits and
/// closes the log so a cleanly closed file never carries a replayable log.
/// </remarks>
public sealed partial class VhdxFile : IAsyncDisposable
{
    // Replaced once by SwitchToReadOnlyHandleAsync.
    private IStorageFile _file;
    private readonly string _path;

    private VhdxHeader _header;
    private int _currentHeaderSlot;
    private Guid _sessionFileWriteGuid;
    private bool _fileWriteGuidRenewed;
    private bool _dataWriteGuidRenewed;
    private bool _headerCopyRestored;

    private BatGeometry _geometry = null!;
    private ulong[] _bat = [];
    private long _batOffset;
    private long _metadataOffset;
    private long _parentLocatorFileOffset = -1;

    /// <summary>Header section, log and every region of the region table (start, end, name).</summary>
    private List<(long Start, long End, string What)> _occupiedRegions = [];

    /// <summary>Replayed log updates of a read-only open, applied over every file read (in order).</summary>
    private IReadOnlyList<LogUpdate>? _overlay;
    private long _effectiveLength;

    /// <summary>End of the last object in the file (1 MiB aligned): where the next block goes.</summary>
    private long _fileEnd;
    private bool _disposed;
    private bool _faulted;

    private VhdxFile(IStorageFile file, string path)
    {
        _file = file;
        _path = path;
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path => _path;

    /// <summary>Fixed, dynamic or differencing.</summary>
    public VhdxDiskType DiskType { get; private set; }

    /// <summary>Virtual disk size in bytes.</summary>
    public long VirtualSize { get; private set; }

    /// <summary>Payload block size in bytes.</summary>
    public int BlockSize { get; private set; }

    /// <summary>Logical sector size (512 or 4096).</summary>
    public int LogicalSectorSize { get; private set; }

    /// <summary>Physical sector size (512 or 4096).</summary>
    public int PhysicalSectorSize { get; private set; }

    /// <summary>The Virtual Disk ID metadata item.</summary>
    public Guid VirtualDiskId { get; private set; }

    /// <summary>The current header's DataWriteGuid: the identity children link to.</summary>
    public Guid DataWriteGuid => _header.DataWriteGuid;

    /// <summary>The current header's FileWriteGuid.</summary>
    public Guid FileWriteGuid => _header.FileWriteGuid;

    /// <summary>The current header's LogGuid (zero when no log needs replaying).</summary>
    public Guid LogGuid => _header.LogGuid;

    /// <summary>True when a dirty log was found and replayed on open (into memory when read-only).</summary>
    public bool LogReplayed { get; private set; }

    /// <summary>The creator string of the file identifier.</summary>
    public string Creator { get; private set; } = string.Empty;

    /// <summary>The parent locator of a differencing file; null otherwise.</summary>
    public VhdxParentLocator? ParentLocator { get; private set; }

    /// <summary>True when opened without write access, or once <see cref="EndWritesAsync"/> ran.</summary>
    public bool IsReadOnly => !_file.CanWrite || _writesEnded;

    /// <summary>Length of the file in bytes.</summary>
    public long FileLength => _file.Length;

    /// <summary>Set by <see cref="VhdxDisk"/>: where reads of absent sectors continue.</summary>
    internal VhdxFile? Parent { get; set; }

    /// <summary>File offset of the parent locator item, or -1 without one.</summary>
    internal long ParentLocatorFileOffset => _parentLocatorFileOffset;

    /// <summary>
    /// Commits pending metadata, closes the log (LogGuid back to zero) and closes the file.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_file.CanWrite && !_faulted)
            {
                await CloseSessionAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private VhdxFormatException Malformed(string structure, long offset, string problem) => new(structure, offset, problem, _path);

    /// <summary>Reads file bytes; zeros past the end; read-only replay overlay applied.</summary>
    private async ValueTask ReadFileAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _file.ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            buffer.Span[read..].Clear();
        }

        if (_overlay is not null)
        {
            ApplyOverlay(offset, buffer.Span);
        }
    }

    private void ApplyOverlay(long offset, Span<byte> buffer)
    {
        foreach (var update in _overlay!)
        {
            var start = Math.Max(offset, update.FileOffset);
            var end = Math.Min(offset + buffer.Length, update.FileOffset + update.Length);
            if (start >= end)
            {
                continue;
            }

            var target = buffer.Slice((int)(start - offset), (int)(end - start));
            if (update.Data is null)
            {
                target.Clear();
            }
            else
            {
                update.Data.AsSpan((int)(start - update.FileOffset), target.Length).CopyTo(target);
            }
        }
    }
}
