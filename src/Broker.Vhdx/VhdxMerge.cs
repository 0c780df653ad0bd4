using System.Buffers;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

/// <summary>Merges (commits) a differencing child into its parent, in place.</summary>
public static class VhdxMerge
{
    /// <summary>
    /// Writes every range the child at <paramref name="childPath"/> holds into its parent through
    /// the library (so the parent's BAT and sector bitmap change through its log), flushes the
    /// parent, then deletes the child. The child stays intact until the parent holds everything.
    /// Before the parent is touched a record <c>CHILD.merging</c> names it; a re-run after a crash
    /// finds the parent through that record (the parent's DataWriteGuid has changed by then) and
    /// writes the same data again, so re-running is idempotent. A child of the child no longer
    /// links to anything afterwards.
    /// </summary>
    /// <exception cref="FileNotFoundException">The child does not exist (and no merge of it was interrupted).</exception>
    /// <exception cref="InvalidOperationException">The file has no parent, or the parent is a shared base (<see cref="VhdxSharedBase"/>) and <see cref="VhdxMergeOptions.Force"/> is not set.</exception>
    /// <exception cref="VhdxFormatException">A file is malformed or the parent cannot be found or was changed.</exception>
    public static async Task<VhdxMergeResult> MergeAsync(
        IStorage storage,
        string childPath,
        VhdxMergeOptions? options,
        IProgress<VhdxProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(childPath);
        options ??= VhdxMergeOptions.Default;
        var intentPath = MergeIntent.PathFor(childPath);
        var directory = VhdxConvert.DirectoryOf(childPath);
        var intent = storage.FileExists(intentPath)
            ? await MergeIntent.ReadAsync(storage, intentPath, cancellationToken).ConfigureAwait(false)
            : null;
        if (!storage.FileExists(childPath))
        {
            if (intent is null)
            {
                throw new FileNotFoundException($"'{childPath}' does not exist.", childPath);
            }

            // The merge finished and deleted the child; only its record was left.
            await storage.DeleteAsync(intentPath, cancellationToken).ConfigureAwait(false);
            await storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
            return new VhdxMergeResult(intent.ParentPath, 0, Resumed: true);
        }

        // The child stays open (read-only) from the linkage check to the last byte copied.
        VhdxMergeResult result;
        var child = await VhdxFile.OpenAsync(storage, childPath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (child.ConfigureAwait(false))
        {
            result = await MergeOpenChildAsync(storage, child, intent, intentPath, options, progress, cancellationToken).ConfigureAwait(false);
        }

        // The parent is durable and closed (its log committed): the child and then the record go.
        await storage.DeleteAsync(childPath, cancellationToken).ConfigureAwait(false);
        await storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        await storage.DeleteAsync(intentPath, cancellationToken).ConfigureAwait(false);
        await storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Finds the parent (through the record when resuming), opens it with its parents for writing,
    /// records the merge unless resuming, and copies everything the child holds into it.
    /// </summary>
    private static async Task<VhdxMergeResult> MergeOpenChildAsync(
        IStorage storage,
        VhdxFile child,
        MergeIntent? intent,
        string intentPath,
        VhdxMergeOptions options,
        IProgress<VhdxProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (child.DiskType != VhdxDiskType.Differencing)
        {
            throw new InvalidOperationException($"'{child.Path}' is a {child.DiskType.ToString().ToLowerInvariant()} disk without a parent; there is nothing to merge into.");
        }

        var linkage = child.ParentLocator!.ParentLinkage;
        var resumed = intent is not null && intent.ParentLinkage == linkage;
        var parentPath = resumed ? intent!.ParentPath : await VhdxDisk.FindParentAsync(storage, child, cancellationToken).ConfigureAwait(false);
        if (!options.Force && VhdxSharedBase.IsMarked(storage, parentPath))
        {
            throw new InvalidOperationException($"'{parentPath}' is marked as a shared base ('{VhdxSharedBase.MarkerPath(parentPath)}' exists); merging into it needs force.");
        }

        // The parent opened with its own parents, so that what it reads is what the chain reads;
        // opening changes nothing yet, so a chain that cannot be opened leaves no record behind.
        var parent = await VhdxDisk.OpenAsync(storage, parentPath, new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
        await using (parent.ConfigureAwait(false))
        {
            if (parent.VirtualSize != child.VirtualSize || parent.LogicalSectorSize != child.LogicalSectorSize)
            {
                throw new VhdxParentException(VhdxParentFailure.Incompatible, child.Path, parentPath, -1, "the parent's virtual size or logical sector size differs from the child's");
            }

            if (!resumed)
            {
                await new MergeIntent(parentPath, linkage).WriteAsync(storage, intentPath, cancellationToken).ConfigureAwait(false);
            }

            var merged = await CopyIntoParentAsync(child, parent, progress, cancellationToken).ConfigureAwait(false);
            return new VhdxMergeResult(parentPath, merged, resumed);
        }
    }

    /// <summary>Copies every range <paramref name="child"/> holds into <paramref name="parent"/> and flushes it.</summary>
    private static async Task<long> CopyIntoParentAsync(VhdxFile child, VhdxDisk parent, IProgress<VhdxProgress>? progress, CancellationToken cancellationToken)
    {
        var extents = await child.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        var scratch = ArrayPool<byte>.Shared.Rent(ExtentCopy.ChunkSize);
        try
        {
            // Zeros the child holds hide the parent's data: they are written only where the
            // parent does not read zero already, so merging zeros allocates nothing needlessly.
            async ValueTask WriteZerosAsync(long offset, ReadOnlyMemory<byte> zeros, CancellationToken token)
            {
                var current = scratch.AsMemory(0, zeros.Length);
                await parent.ReadAsync(offset, current, token).ConfigureAwait(false);
                if (current.Span.ContainsAnyExcept((byte)0))
                {
                    await parent.WriteAsync(offset, zeros, token).ConfigureAwait(false);
                }
            }

            var merged = await ExtentCopy.CopyAsync(extents, child.ReadAsync, parent.WriteAsync, WriteZerosAsync, progress, cancellationToken).ConfigureAwait(false);
            await parent.FlushAsync(cancellationToken).ConfigureAwait(false);
            return merged;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
