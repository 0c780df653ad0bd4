using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

/// <summary>
/// Flattens a VHDX file or chain into a raw image or a new dynamic or fixed VHDX file with the same
/// virtual size and logical sector size.
/// </summary>
public static class VhdxConvert
{
    /// <summary>Appended to the destination path while it is being written.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>
    /// Converts the chain at <paramref name="sourcePath"/> into <paramref name="destinationPath"/>.
    /// Only data the chain holds is read, and runs of zeros are not written (a raw image is a sparse
    /// file of the virtual size). The output is written under
    /// <c><paramref name="destinationPath"/>.tmp</c>, flushed, renamed and the directory flushed, so
    /// after a crash the destination is either absent or complete.
    /// </summary>
    /// <exception cref="IOException">The destination exists.</exception>
    /// <exception cref="VhdxFormatException">A file of the source chain is malformed or its parent unusable.</exception>
    public static async Task ConvertAsync(
        IStorage storage,
        string sourcePath,
        string destinationPath,
        VhdxConvertOptions options,
        IProgress<VhdxProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Format == VhdxConvertFormat.Vhdx && options.Type == VhdxDiskType.Differencing)
        {
            throw new ArgumentException("Convert writes a dynamic or fixed VHDX file, not a differencing one.", nameof(options));
        }

        if (storage.FileExists(destinationPath))
        {
            throw new IOException($"'{destinationPath}' exists; convert does not overwrite.");
        }

        var temporary = destinationPath + TemporarySuffix;
        await using var source = await VhdxDisk.OpenAsync(storage, sourcePath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        var chain = await source.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        var extents = chain.Where(extent => extent.Kind == VhdxExtentKind.Data)
            .Select(extent => new VhdxExtent(extent.Offset, extent.Length, extent.Kind))
            .ToList();

        // A temporary left by a failed or interrupted convert is garbage (nothing else writes that
        // name); it is removed here rather than on failure, where the storage may be gone.
        await storage.DeleteAsync(temporary, cancellationToken).ConfigureAwait(false);
        if (options.Format == VhdxConvertFormat.Raw)
        {
            await WriteRawAsync(storage, source, extents, temporary, progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteVhdxAsync(storage, source, extents, temporary, options, progress, cancellationToken).ConfigureAwait(false);
        }

        await storage.RenameAsync(temporary, destinationPath, cancellationToken).ConfigureAwait(false);
        await storage.FlushDirectoryAsync(DirectoryOf(destinationPath), cancellationToken).ConfigureAwait(false);
    }

    internal static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";

    private static async Task WriteRawAsync(IStorage storage, VhdxDisk source, List<VhdxExtent> extents, string path, IProgress<VhdxProgress>? progress, CancellationToken cancellationToken)
    {
        var file = await storage.OpenAsync(path, StorageOpenMode.CreateNew, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            await ExtentCopy.CopyAsync(extents, source.ReadAsync, file.WriteAsync, writeZeros: null, progress, cancellationToken).ConfigureAwait(false);

            // Holes the writes skipped (and the tail) read as zeros; setting the length last keeps them holes.
            await file.SetLengthAsync(source.VirtualSize, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteVhdxAsync(IStorage storage, VhdxDisk source, List<VhdxExtent> extents, string path, VhdxConvertOptions options, IProgress<VhdxProgress>? progress, CancellationToken cancellationToken)
    {
        var create = new VhdxCreateOptions
        {
            Type = options.Type,
            VirtualSize = source.VirtualSize,
            BlockSize = options.BlockSize ?? VhdxCreateOptions.DefaultBlockSize,
            LogicalSectorSize = source.LogicalSectorSize,
            PhysicalSectorSize = source.Top.PhysicalSectorSize,
        };
        var file = await VhdxFile.CreateAsync(storage, path, create, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            await ExtentCopy.CopyAsync(extents, source.ReadAsync, file.WriteAsync, writeZeros: null, progress, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
