using System.Buffers.Binary;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    private const long CreateLogOffset = VhdxLayout.MiB;
    private const uint CreateLogLength = VhdxLayout.MiB;
    private const long CreateMetadataOffset = 2L * VhdxLayout.MiB;
    private const uint CreateMetadataLength = VhdxLayout.MiB;
    private const long CreateBatOffset = 3L * VhdxLayout.MiB;
    private const string CreatorName = "Broker.Vhdx";

    /// <summary>
    /// Creates a new fixed, dynamic or differencing file (Hyper-V layout: log at 1 MiB, metadata at
    /// 2 MiB, BAT at 3 MiB) and returns it open for writing. A differencing file takes its size,
    /// sector sizes and Virtual Disk ID from the parent and links to the parent's DataWriteGuid
    /// through a relative path.
    /// </summary>
    /// <exception cref="ArgumentException">The options are out of the format's limits.</exception>
    /// <exception cref="IOException">A file already exists at <paramref name="path"/>.</exception>
    public static async Task<VhdxFile> CreateAsync(IStorage storage, string path, VhdxCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        var plan = await PlanCreateAsync(storage, path, options, cancellationToken).ConfigureAwait(false);
        return await CreateFromPlanAsync(storage, path, plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a differencing file over <paramref name="parent"/>, a file that is already open (even
    /// read-write, whose handle may bar a second open): as <see cref="CreateAsync"/> with
    /// <see cref="VhdxCreateOptions.Differencing"/>, linking to the parent's DataWriteGuid now.
    /// </summary>
    /// <exception cref="ArgumentException">The block size is out of the format's limits.</exception>
    /// <exception cref="IOException">A file already exists at <paramref name="path"/>.</exception>
    public static Task<VhdxFile> CreateDifferencingAsync(IStorage storage, string path, VhdxFile parent, int blockSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parent);
        CheckBlockSize(blockSize);
        return CreateFromPlanAsync(storage, path, DifferencingPlan(path, parent, blockSize), cancellationToken);
    }

    private static async Task<VhdxFile> CreateFromPlanAsync(IStorage storage, string path, CreatePlan plan, CancellationToken cancellationToken)
    {
        var file = await storage.OpenAsync(path, StorageOpenMode.CreateNew, cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteNewFileAsync(file, plan, cancellationToken).ConfigureAwait(false);
            await storage.FlushDirectoryAsync(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return await LoadAsync(file, path, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckBlockSize(int blockSize)
    {
        if (blockSize < VhdxLayout.MinBlockSize || blockSize > VhdxLayout.MaxBlockSize || !int.IsPow2(blockSize))
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "Block size must be a power of two from 1 MiB to 256 MiB.");
        }
    }

    private static async Task<CreatePlan> PlanCreateAsync(IStorage storage, string path, VhdxCreateOptions options, CancellationToken cancellationToken)
    {
        CheckBlockSize(options.BlockSize);
        if (options.Type != VhdxDiskType.Differencing)
        {
            if (options.LogicalSectorSize is not (512 or 4096) || options.PhysicalSectorSize is not (512 or 4096))
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Sector sizes must be 512 or 4096.");
            }

            if (options.VirtualSize <= 0 || options.VirtualSize > VhdxLayout.MaxVirtualSize || options.VirtualSize % options.LogicalSectorSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.VirtualSize, "Virtual size must be a positive multiple of the logical sector size, at most 64 TiB.");
            }

            return new CreatePlan(options.Type, options.VirtualSize, options.BlockSize, options.LogicalSectorSize, options.PhysicalSectorSize, options.VirtualDiskId ?? Guid.NewGuid(), null);
        }

        ArgumentException.ThrowIfNullOrEmpty(options.ParentPath, nameof(options));
        await using var parent = await OpenAsync(storage, System.IO.Path.GetFullPath(options.ParentPath), VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        return DifferencingPlan(path, parent, options.BlockSize);
    }

    private static CreatePlan DifferencingPlan(string path, VhdxFile parent, int blockSize)
    {
        var parentPath = System.IO.Path.GetFullPath(parent.Path);
        var childDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        var relative = System.IO.Path.GetRelativePath(childDirectory, parentPath).Replace('/', '\\');
        if (!relative.StartsWith("..", StringComparison.Ordinal) && !System.IO.Path.IsPathRooted(relative))
        {
            relative = ".\\" + relative;
        }

        // relative_path is what resolves (Windows and we try it first); the absolute path is the
        // host's own (there is no Win32 form on Linux) and is what libvhdi reports as the parent.
        var locator = ParentLocatorCodec.Write(
        [
            new("parent_linkage", parent.DataWriteGuid.ToString("B")),
            new("relative_path", relative),
            new("absolute_win32_path", parentPath),
        ]);
        return new CreatePlan(VhdxDiskType.Differencing, parent.VirtualSize, blockSize, parent.LogicalSectorSize, parent.PhysicalSectorSize, parent.VirtualDiskId, locator);
    }

    private static async ValueTask WriteNewFileAsync(IStorageFile file, CreatePlan plan, CancellationToken cancellationToken)
    {
        var geometry = new BatGeometry(plan.VirtualSize, plan.BlockSize, plan.LogicalSectorSize, plan.Locator is not null);
        var batLength = geometry.RegionLength;
        var dataStart = CreateBatOffset + batLength;
        var fileLength = plan.Type == VhdxDiskType.Fixed ? dataStart + (geometry.DataBlockCount * plan.BlockSize) : dataStart;
        await file.SetLengthAsync(fileLength, cancellationToken).ConfigureAwait(false);

        await file.WriteAsync(CreateMetadataOffset, BuildMetadata(plan), cancellationToken).ConfigureAwait(false);
        if (plan.Type == VhdxDiskType.Fixed)
        {
            await WriteFixedBatAsync(file, geometry, dataStart, cancellationToken).ConfigureAwait(false);
        }

        var section = new byte[VhdxLayout.HeaderSectionSize];
        new FileIdentifier(CreatorName).Write(section);
        var regions = new RegionTable(
        [
            new RegionTableEntry(VhdxGuids.BatRegion, CreateBatOffset, (uint)batLength, true),
            new RegionTableEntry(VhdxGuids.MetadataRegion, CreateMetadataOffset, CreateMetadataLength, true),
        ]);
        regions.Write(section.AsSpan((int)VhdxLayout.RegionTable1Offset, RegionTable.Size));
        regions.Write(section.AsSpan((int)VhdxLayout.RegionTable2Offset, RegionTable.Size));
        await file.WriteAsync(0, section.AsMemory(0, (int)VhdxLayout.Header1Offset), cancellationToken).ConfigureAwait(false);
        await file.WriteAsync(VhdxLayout.RegionTable1Offset, section.AsMemory((int)VhdxLayout.RegionTable1Offset), cancellationToken).ConfigureAwait(false);
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Headers last: until they are valid the file does not open, so a crash never leaves a
        // file that opens with half-written structures behind it.
        var dataWriteGuid = Guid.NewGuid();
        var fileWriteGuid = Guid.NewGuid();
        for (var slot = 0; slot < 2; slot++)
        {
            var header = new VhdxHeader((ulong)slot + 1, fileWriteGuid, dataWriteGuid, Guid.Empty, 0, VhdxHeader.CurrentVersion, CreateLogLength, CreateLogOffset);
            var headerOffset = HeaderOffset(slot);
            header.Write(section.AsSpan((int)headerOffset, VhdxHeader.Size));
            await file.WriteAsync(headerOffset, section.AsMemory((int)headerOffset, VhdxHeader.Size), cancellationToken).ConfigureAwait(false);
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] BuildMetadata(CreatePlan plan)
    {
        const int ItemsStart = MetadataTableHeader.TableSize;
        var items = new List<(Guid Id, uint Flags, byte[] Data)>
        {
            (VhdxGuids.FileParameters, MetadataTableEntry.IsRequiredFlag, new byte[8]),
            (VhdxGuids.VirtualDiskSize, MetadataTableEntry.IsRequiredFlag | MetadataTableEntry.IsVirtualDiskFlag, new byte[8]),
            (VhdxGuids.LogicalSectorSize, MetadataTableEntry.IsRequiredFlag | MetadataTableEntry.IsVirtualDiskFlag, new byte[4]),
            (VhdxGuids.PhysicalSectorSize, MetadataTableEntry.IsRequiredFlag | MetadataTableEntry.IsVirtualDiskFlag, new byte[4]),
            (VhdxGuids.VirtualDiskId, MetadataTableEntry.IsRequiredFlag | MetadataTableEntry.IsVirtualDiskFlag, plan.VirtualDiskId.ToByteArray()),
        };
        var flags = plan.Type switch
        {
            VhdxDiskType.Fixed => 1u,
            VhdxDiskType.Differencing => 2u,
            VhdxDiskType.Dynamic => 0u,
            _ => throw new ArgumentOutOfRangeException(nameof(plan)),
        };
        BinaryPrimitives.WriteUInt32LittleEndian(items[0].Data, (uint)plan.BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(items[0].Data.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt64LittleEndian(items[1].Data, (ulong)plan.VirtualSize);
        BinaryPrimitives.WriteUInt32LittleEndian(items[2].Data, (uint)plan.LogicalSectorSize);
        BinaryPrimitives.WriteUInt32LittleEndian(items[3].Data, (uint)plan.PhysicalSectorSize);
        if (plan.Locator is not null)
        {
            items.Add((VhdxGuids.ParentLocator, MetadataTableEntry.IsRequiredFlag, plan.Locator));
        }

        var length = ItemsStart + items.Sum(item => item.Data.Length);
        if (length > CreateMetadataLength)
        {
            throw new ArgumentException("The parent locator does not fit in the metadata region (parent path too long).");
        }

        var region = new byte[VhdxLayout.RoundUp(length, VhdxLayout.LogSectorSize)];
        new MetadataTableHeader((ushort)items.Count).Write(region);
        var position = ItemsStart;
        for (var i = 0; i < items.Count; i++)
        {
            var (id, itemFlags, data) = items[i];
            new MetadataTableEntry(id, (uint)position, (uint)data.Length, itemFlags)
                .Write(region.AsSpan(MetadataTableHeader.Size + (i * MetadataTableEntry.Size)));
            data.CopyTo(region.AsSpan(position));
            position += data.Length;
        }

        return region;
    }

    private static async ValueTask WriteFixedBatAsync(IStorageFile file, BatGeometry geometry, long dataStart, CancellationToken cancellationToken)
    {
        var chunk = new byte[VhdxLayout.MiB];
        const int EntriesPerChunk = VhdxLayout.MiB / BatEntry.Size;
        for (long first = 0; first < geometry.TotalEntries; first += EntriesPerChunk)
        {
            var count = (int)Math.Min(EntriesPerChunk, geometry.TotalEntries - first);
            Array.Clear(chunk);
            for (var i = 0; i < count; i++)
            {
                var index = first + i;
                if (geometry.IsBitmapIndex(index))
                {
                    continue;
                }

                var block = geometry.BlockOfIndex(index);
                BinaryPrimitives.WriteUInt64LittleEndian(chunk.AsSpan(i * BatEntry.Size), BatEntry.Make(dataStart + (block * geometry.BlockSize), BatEntry.FullyPresent));
            }

            await file.WriteAsync(CreateBatOffset + (first * BatEntry.Size), chunk.AsMemory(0, count * BatEntry.Size), cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record CreatePlan(VhdxDiskType Type, long VirtualSize, int BlockSize, int LogicalSectorSize, int PhysicalSectorSize, Guid VirtualDiskId, byte[]? Locator);
}
