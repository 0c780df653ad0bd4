using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

/// <summary>
/// A VHDX file with its chain of parents: reads fall through the chain by sector bitmap, writes
/// go to the top file. Parents are opened read-only.
/// </summary>
/// <remarks>
/// Not safe for concurrent use, with one exception: <see cref="ReadAsync"/> and
/// <see cref="TryWriteInPlaceAsync"/> may run concurrently with each other (they change no
/// metadata), as long as no other operation runs at the same time.
/// </remarks>
public sealed class VhdxDisk : IAsyncDisposable
{
    private readonly VhdxFile[] _files;

    private VhdxDisk(VhdxFile[] files)
    {
        _files = files;
    }

    /// <summary>The chain, top (the file opened) first, base last.</summary>
    public IReadOnlyList<VhdxFile> Files => _files;

    /// <summary>The file opened; the only one written.</summary>
    public VhdxFile Top => _files[0];

    /// <summary>Virtual disk size in bytes.</summary>
    public long VirtualSize => Top.VirtualSize;

    /// <summary>Logical sector size in bytes.</summary>
    public int LogicalSectorSize => Top.LogicalSectorSize;

    /// <summary>
    /// Opens <paramref name="path"/> (read-write unless <see cref="VhdxOpenOptions.ReadOnly"/>) and
    /// every parent: locator paths are tried relative path first, then volume and absolute path,
    /// then the last path component next to the child; a parent must carry the DataWriteGuid the
    /// child links to.
    /// </summary>
    /// <exception cref="VhdxParentException">A parent is missing, changed, incompatible, or the chain loops or is too deep.</exception>
    /// <exception cref="VhdxFormatException">A file of the chain is malformed.</exception>
    public static async Task<VhdxDisk> OpenAsync(IStorage storage, string path, VhdxOpenOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options ??= VhdxOpenOptions.ReadOnlyDefault;
        var files = new List<VhdxFile>();
        try
        {
            var current = await VhdxFile.OpenAsync(storage, path, options, cancellationToken).ConfigureAwait(false);
            files.Add(current);
            var opened = new Dictionary<string, VhdxFile>(StringComparer.Ordinal) { [System.IO.Path.GetFullPath(path)] = current };
            while (current.DiskType == VhdxDiskType.Differencing)
            {
                if (files.Count > options.MaxChainDepth)
                {
                    throw new VhdxParentException(VhdxParentFailure.TooDeep, current.Path, null, -1, $"the chain is longer than {options.MaxChainDepth} files");
                }

                var parent = await OpenParentAsync(storage, current, opened, cancellationToken).ConfigureAwait(false);
                files.Add(parent);
                current.Parent = parent;
                current = parent;
            }

            return new VhdxDisk([.. files]);
        }
        catch
        {
            foreach (var file in files)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Closes the top file (committing it, as <see cref="DisposeAsync"/> does) and returns the same
    /// chain with the top reopened read-only. The returned disk owns every file; this instance is
    /// spent and must not be used or disposed again, even when the reopen fails (then every file is closed).
    /// </summary>
    public async Task<VhdxDisk> ReopenReadOnlyAsync(IStorage storage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        VhdxFile reopened;
        try
        {
            await Top.DisposeAsync().ConfigureAwait(false);
            reopened = await VhdxFile.OpenAsync(storage, Top.Path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        reopened.Parent = Top.Parent;
        return new VhdxDisk([reopened, .. _files[1..]]);
    }

    /// <summary>
    /// Opens the differencing file <paramref name="path"/> (read-write unless
    /// <see cref="VhdxOpenOptions.ReadOnly"/>) over this chain, which must be its parent chain: the
    /// file links to <see cref="Top"/>'s DataWriteGuid. Nothing is reopened. On success the returned
    /// disk owns this chain's files and this instance is spent; on failure this instance is unchanged.
    /// </summary>
    /// <exception cref="VhdxParentException">The file is not a child of <see cref="Top"/>, or the chain would be too deep.</exception>
    /// <exception cref="VhdxFormatException">The file is malformed.</exception>
    public async Task<VhdxDisk> StackAsync(IStorage storage, string path, VhdxOpenOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options ??= VhdxOpenOptions.ReadOnlyDefault;
        var child = await VhdxFile.OpenAsync(storage, path, options, cancellationToken).ConfigureAwait(false);
        try
        {
            if (child.DiskType != VhdxDiskType.Differencing || !Links(child.ParentLocator!, Top))
            {
                throw new VhdxParentException(VhdxParentFailure.Changed, path, Top.Path, child.ParentLocatorFileOffset, $"'{path}' is not a differencing child of '{Top.Path}'");
            }

            if (child.VirtualSize != VirtualSize || child.LogicalSectorSize != LogicalSectorSize)
            {
                throw new VhdxParentException(VhdxParentFailure.Incompatible, path, Top.Path, child.ParentLocatorFileOffset, $"'{path}' does not have the virtual size and logical sectors of '{Top.Path}'");
            }

            // The same limit OpenAsync applies when it walks the parents.
            if (_files.Length > options.MaxChainDepth)
            {
                throw new VhdxParentException(VhdxParentFailure.TooDeep, path, null, -1, $"the chain is longer than {options.MaxChainDepth} files");
            }
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        child.Parent = Top;
        return new VhdxDisk([child, .. _files]);
    }

    /// <summary>Reads the virtual disk through the chain at any offset and length.</summary>
    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Top.CheckRange(offset, buffer.Length);
        return Top.ReadCoreAsync(offset, buffer, throughParent: true, cancellationToken);
    }

    /// <summary>Writes to the top file at any offset and length (partial sectors are completed from the chain).</summary>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Top.WriteAsync(offset, data, cancellationToken);

    /// <summary>
    /// Writes to the top file only if that changes no metadata (the blocks and sectors touched are
    /// already the top's own); returns false, having written nothing, otherwise (then use
    /// <see cref="WriteAsync"/>). May run concurrently with reads and other in-place writes.
    /// </summary>
    public ValueTask<bool> TryWriteInPlaceAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Top.TryWriteInPlaceAsync(offset, data, cancellationToken);

    /// <summary>Makes earlier writes durable (see <see cref="VhdxFile.FlushAsync"/>).</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => Top.FlushAsync(cancellationToken);

    /// <summary>
    /// Which layer serves each range of the virtual disk, sorted by offset: for every range some
    /// layer holds (data or declared zero), the topmost such layer. Ranges no layer holds read as zeros.
    /// </summary>
    public async Task<IReadOnlyList<VhdxChainExtent>> GetAllocationAsync(CancellationToken cancellationToken)
    {
        var result = new List<VhdxChainExtent>();
        var covered = new List<(long Start, long End)>();
        for (var layer = 0; layer < _files.Length; layer++)
        {
            var extents = await _files[layer].GetAllocationAsync(cancellationToken).ConfigureAwait(false);
            var added = new List<(long Start, long End)>();
            var c = 0;
            foreach (var extent in extents)
            {
                var position = extent.Offset;
                while (c < covered.Count && covered[c].End <= position)
                {
                    c++;
                }

                for (var k = c; position < extent.End; k++)
                {
                    var nextStart = k < covered.Count ? Math.Min(covered[k].Start, extent.End) : extent.End;
                    if (nextStart > position)
                    {
                        result.Add(new VhdxChainExtent(position, nextStart - position, extent.Kind, layer));
                        added.Add((position, nextStart));
                    }

                    position = k < covered.Count ? Math.Max(position, Math.Min(covered[k].End, extent.End)) : extent.End;
                }
            }

            covered = Merge(covered, added);
        }

        result.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return result;
    }

    /// <summary>Closes every file of the chain, top first (the top commits and closes its log).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var file in _files)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static List<(long Start, long End)> Merge(List<(long Start, long End)> a, List<(long Start, long End)> b)
    {
        var all = new List<(long Start, long End)>(a.Count + b.Count);
        all.AddRange(a);
        all.AddRange(b);
        all.Sort((x, y) => x.Start.CompareTo(y.Start));
        var merged = new List<(long Start, long End)>(all.Count);
        foreach (var range in all)
        {
            if (merged.Count > 0 && merged[^1].End >= range.Start)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    /// <summary>
    /// The full path of the parent of the differencing file <paramref name="child"/>, found and
    /// checked as <see cref="OpenAsync"/> finds it (the parent is opened to check its identity, then closed).
    /// </summary>
    /// <exception cref="VhdxParentException">The parent is missing, changed or incompatible.</exception>
    internal static async Task<string> FindParentAsync(IStorage storage, VhdxFile child, CancellationToken cancellationToken)
    {
        var opened = new Dictionary<string, VhdxFile>(StringComparer.Ordinal) { [System.IO.Path.GetFullPath(child.Path)] = child };
        var parent = await OpenParentAsync(storage, child, opened, cancellationToken).ConfigureAwait(false);
        await parent.DisposeAsync().ConfigureAwait(false);
        return parent.Path;
    }

    private static async Task<VhdxFile> OpenParentAsync(IStorage storage, VhdxFile child, Dictionary<string, VhdxFile> opened, CancellationToken cancellationToken)
    {
        var locator = child.ParentLocator!;
        string? changed = null;
        foreach (var candidate in ParentCandidates(child))
        {
            if (opened.TryGetValue(candidate, out var already))
            {
                if (Links(locator, already))
                {
                    throw new VhdxParentException(VhdxParentFailure.Loop, child.Path, candidate, child.ParentLocatorFileOffset, $"the parent chain loops back to '{candidate}'");
                }

                changed ??= candidate;
                continue;
            }

            if (!storage.FileExists(candidate))
            {
                continue;
            }

            var parent = await VhdxFile.OpenAsync(storage, candidate, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
            if (!Links(locator, parent))
            {
                changed ??= candidate;
                await parent.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            if (parent.VirtualSize != child.VirtualSize || parent.LogicalSectorSize != child.LogicalSectorSize)
            {
                await parent.DisposeAsync().ConfigureAwait(false);
                throw new VhdxParentException(
                    VhdxParentFailure.Incompatible,
                    child.Path,
                    candidate,
                    child.ParentLocatorFileOffset,
                    $"parent '{candidate}' has virtual size {parent.VirtualSize} and logical sectors of {parent.LogicalSectorSize}, the child {child.VirtualSize} and {child.LogicalSectorSize}");
            }

            opened[candidate] = parent;
            return parent;
        }

        throw changed is not null
            ? new VhdxParentException(VhdxParentFailure.Changed, child.Path, changed, child.ParentLocatorFileOffset, $"parent '{changed}' does not carry DataWriteGuid {locator.ParentLinkage:B} (it was modified or replaced)")
            : new VhdxParentException(VhdxParentFailure.Missing, child.Path, null, child.ParentLocatorFileOffset, "no parent file found at any path of the parent locator");
    }

    private static bool Links(VhdxParentLocator locator, VhdxFile parent) =>
        parent.DataWriteGuid == locator.ParentLinkage || parent.DataWriteGuid == locator.ParentLinkage2;

    /// <summary>Full paths to try, in the spec's order, then each path's file name next to the child.</summary>
    private static List<string> ParentCandidates(VhdxFile child)
    {
        var locator = child.ParentLocator!;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(child.Path)) ?? ".";
        var candidates = new List<string>();
        void Add(string path)
        {
            // A locator path with a NUL names no file (and makes the path APIs throw): not a candidate.
            if (path.Contains('\0', StringComparison.Ordinal))
            {
                return;
            }

            var full = System.IO.Path.GetFullPath(path);
            if (!candidates.Contains(full))
            {
                candidates.Add(full);
            }
        }

        if (locator.RelativePath is { Length: > 0 } relative)
        {
            Add(System.IO.Path.Combine(directory, relative.Replace('\\', '/')));
        }

        foreach (var absolute in new[] { locator.VolumePath, locator.AbsoluteWin32Path })
        {
            if (absolute is { Length: > 0 } && absolute.Replace('\\', '/') is var unix && unix.StartsWith('/') && !unix.StartsWith("//", StringComparison.Ordinal))
            {
                Add(unix);
            }
        }

        foreach (var any in new[] { locator.RelativePath, locator.VolumePath, locator.AbsoluteWin32Path })
        {
            if (any is { Length: > 0 })
            {
                var name = any.Replace('\\', '/').Split('/')[^1];
                if (name.Length > 0 && name != "." && name != "..")
                {
                    Add(System.IO.Path.Combine(directory, name));
                }
            }
        }

        return candidates;
    }
}
