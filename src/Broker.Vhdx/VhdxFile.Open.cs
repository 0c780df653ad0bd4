using System.Buffers;
using System.Buffers.Binary;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>
    /// Opens one VHDX file (not its parents). Validates every structure before use and replays a
    /// dirty log: into the file when opened for writing, into memory when read-only.
    /// </summary>
    /// <exception cref="VhdxFormatException">The file is malformed or unsupported.</exception>
    public static async Task<VhdxFile> OpenAsync(IStorage storage, string path, VhdxOpenOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= VhdxOpenOptions.ReadOnlyDefault;
        var file = await storage.OpenAsync(path, options.ReadOnly ? StorageOpenMode.OpenReadOnly : StorageOpenMode.OpenReadWrite, cancellationToken).ConfigureAwait(false);
        return await LoadAsync(file, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses an open storage file; disposes it when parsing fails.</summary>
    internal static async Task<VhdxFile> LoadAsync(IStorageFile file, string path, CancellationToken cancellationToken)
    {
        var vhdx = new VhdxFile(file, path);
        try
        {
            await vhdx.LoadCoreAsync(cancellationToken).ConfigureAwait(false);
            return vhdx;
        }
        catch
        {
            vhdx._faulted = true;
            await vhdx.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task LoadCoreAsync(CancellationToken cancellationToken)
    {
        _effectiveLength = _file.Length;
        if (_effectiveLength < VhdxLayout.HeaderSectionSize)
        {
            throw Malformed("file", 0, $"file is {_effectiveLength} bytes, shorter than the 1 MiB header section (truncated)");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(RegionTable.Size);
        try
        {
            await ReadFileAsync(VhdxLayout.FileIdentifierOffset, buffer.AsMemory(0, FileIdentifier.Size), cancellationToken).ConfigureAwait(false);
            if (!FileIdentifier.TryRead(buffer.AsSpan(0, FileIdentifier.Size), out var identifier))
            {
                throw Malformed("file identifier", VhdxLayout.FileIdentifierOffset, "signature is not 'vhdxfile'");
            }

            Creator = identifier.Creator;
            var bothHeadersValid = await ReadHeadersAsync(buffer, cancellationToken).ConfigureAwait(false);
            await ReplayLogAsync(cancellationToken).ConfigureAwait(false);
            if (_file.CanWrite && !bothHeadersValid && !_fileWriteGuidRenewed)
            {
                // A crash during a header update leaves one copy damaged; a writer restores it now
                // (as qemu does on a read-write open) instead of running on a single valid header.
                await WriteHeadersAsync(_header.DataWriteGuid, _header.LogGuid, cancellationToken).ConfigureAwait(false);
                _headerCopyRestored = true;
            }

            var regions = await ReadRegionTableAsync(buffer, cancellationToken).ConfigureAwait(false);
            await ReadMetadataAsync(regions.Metadata, buffer, cancellationToken).ConfigureAwait(false);
            await ReadBatAsync(regions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Selects the current header; returns false when one of the two copies is damaged.</summary>
    private async ValueTask<bool> ReadHeadersAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        await ReadFileAsync(VhdxLayout.Header1Offset, buffer.AsMemory(0, VhdxHeader.Size), cancellationToken).ConfigureAwait(false);
        var valid1 = VhdxHeader.TryRead(buffer.AsSpan(0, VhdxHeader.Size), out var header1);
        await ReadFileAsync(VhdxLayout.Header2Offset, buffer.AsMemory(0, VhdxHeader.Size), cancellationToken).ConfigureAwait(false);
        var valid2 = VhdxHeader.TryRead(buffer.AsSpan(0, VhdxHeader.Size), out var header2);
        (_header, _currentHeaderSlot) = (valid1, valid2) switch
        {
            (true, true) when header1.SequenceNumber > header2.SequenceNumber => (header1, 0),
            (true, true) when header2.SequenceNumber > header1.SequenceNumber => (header2, 1),
            // Disk2VHD writes two identical headers with the same sequence number (qemu accepts it).
            (true, true) when header1 == header2 => (header1, 0),
            (true, true) => throw Malformed("header", VhdxLayout.Header1Offset, "both headers are valid with the same sequence number but different contents"),
            (true, false) => (header1, 0),
            (false, true) => (header2, 1),
            (false, false) => throw Malformed("header", VhdxLayout.Header1Offset, "no valid header (bad signature or CRC-32C in both copies)"),
        };
        var headerOffset = HeaderOffset(_currentHeaderSlot);
        if (_header.Version != VhdxHeader.CurrentVersion)
        {
            throw Malformed("header", headerOffset, $"unsupported version {_header.Version}");
        }

        if (_header.LogVersion != 0)
        {
            throw Malformed("header", headerOffset, $"unsupported log version {_header.LogVersion}");
        }

        if (_header.LogOffset < VhdxLayout.HeaderSectionSize
            || _header.LogOffset % VhdxLayout.ObjectAlignment != 0
            || _header.LogOffset > (ulong)VhdxLayout.MaxReplayFileLength
            || _header.LogLength % VhdxLayout.ObjectAlignment != 0)
        {
            throw Malformed("header", headerOffset, $"log at {_header.LogOffset} with length {_header.LogLength} is not 1 MiB aligned after the header section");
        }

        _sessionFileWriteGuid = _header.FileWriteGuid;
        return valid1 && valid2;
    }

    private static long HeaderOffset(int slot) => slot == 0 ? VhdxLayout.Header1Offset : VhdxLayout.Header2Offset;

    private async ValueTask ReplayLogAsync(CancellationToken cancellationToken)
    {
        if (_header.LogGuid == Guid.Empty || _header.LogLength == 0)
        {
            return;
        }

        var logOffset = (long)_header.LogOffset;
        var logLength = (long)_header.LogLength;
        if (logLength > VhdxLayout.MaxLogLength)
        {
            throw Malformed("log", logOffset, $"log length {logLength} exceeds the supported {VhdxLayout.MaxLogLength}");
        }

        if (logOffset + logLength > _effectiveLength)
        {
            throw Malformed("log", logOffset, "log extends beyond the end of the file (truncated)");
        }

        var log = new byte[logLength];
        await ReadFileAsync(logOffset, log, cancellationToken).ConfigureAwait(false);
        var plan = LogReader.FindActiveSequence(log, _header.LogGuid, logOffset, _path);
        if (plan is null)
        {
            // LogGuid set but no valid entry carries it: nothing was logged yet (qemu opens such files).
            if (_file.CanWrite)
            {
                await WriteHeadersAsync(_header.DataWriteGuid, Guid.Empty, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (_effectiveLength < plan.FlushedFileOffset)
        {
            throw Malformed("log entry", logOffset + plan.HeadLogOffset, $"file is {_effectiveLength} bytes, shorter than the logged flushed length {plan.FlushedFileOffset} (truncated)");
        }

        LogReplayed = true;
        var targetLength = Math.Max(_effectiveLength, VhdxLayout.RoundUp(plan.LastFileOffset, VhdxLayout.MiB));
        if (!_file.CanWrite)
        {
            _overlay = plan.Updates;
            _effectiveLength = targetLength;
            return;
        }

        // Replay is a modification: the new FileWriteGuid reaches the headers first (reference 3.4).
        await WriteHeadersAsync(_header.DataWriteGuid, _header.LogGuid, cancellationToken).ConfigureAwait(false);
        var zeros = new byte[VhdxLayout.MiB];
        foreach (var update in plan.Updates)
        {
            if (update.Data is not null)
            {
                await _file.WriteAsync(update.FileOffset, update.Data, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Zero ranges past the end of the file are zero already; this bounds the work by the file size.
            var end = Math.Min(update.FileOffset + update.Length, _file.Length);
            for (var position = update.FileOffset; position < end; position += zeros.Length)
            {
                await _file.WriteAsync(position, zeros.AsMemory(0, (int)Math.Min(zeros.Length, end - position)), cancellationToken).ConfigureAwait(false);
            }
        }

        if (_file.Length < targetLength)
        {
            await _file.SetLengthAsync(targetLength, cancellationToken).ConfigureAwait(false);
        }

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _effectiveLength = _file.Length;
        await WriteHeadersAsync(_header.DataWriteGuid, Guid.Empty, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Regions> ReadRegionTableAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var table = await TryReadRegionTableAsync(VhdxLayout.RegionTable1Offset, buffer, cancellationToken).ConfigureAwait(false)
            ?? await TryReadRegionTableAsync(VhdxLayout.RegionTable2Offset, buffer, cancellationToken).ConfigureAwait(false)
            ?? throw Malformed("region table", VhdxLayout.RegionTable1Offset, "no valid region table (bad signature, CRC-32C or entry count in both copies)");
        var occupied = new List<(long Start, long End, string What)> { (0, VhdxLayout.HeaderSectionSize, "header section") };
        if (_header.LogLength > 0)
        {
            occupied.Add(((long)_header.LogOffset, (long)_header.LogOffset + _header.LogLength, "log"));
        }

        RegionTableEntry? bat = null;
        RegionTableEntry? metadata = null;
        foreach (var entry in table.Entries)
        {
            var known = entry.Guid == VhdxGuids.BatRegion || entry.Guid == VhdxGuids.MetadataRegion;
            if (!known && entry.Required)
            {
                throw Malformed("region table", VhdxLayout.RegionTable1Offset, $"unknown required region {entry.Guid}");
            }

            if (entry.FileOffset < VhdxLayout.HeaderSectionSize
                || entry.FileOffset % VhdxLayout.ObjectAlignment != 0
                || entry.FileOffset > (ulong)VhdxLayout.MaxReplayFileLength
                || entry.Length == 0
                || entry.Length % VhdxLayout.ObjectAlignment != 0)
            {
                throw Malformed("region table", VhdxLayout.RegionTable1Offset, $"region {entry.Guid} at {entry.FileOffset} with length {entry.Length} is not 1 MiB aligned after the header section");
            }

            var start = (long)entry.FileOffset;
            var end = start + entry.Length;
            foreach (var (otherStart, otherEnd, what) in occupied)
            {
                if (start < otherEnd && otherStart < end)
                {
                    throw Malformed("region table", VhdxLayout.RegionTable1Offset, $"region {entry.Guid} at {start} overlaps the {what}");
                }
            }

            occupied.Add((start, end, $"region {entry.Guid}"));
            if (entry.Guid == VhdxGuids.BatRegion)
            {
                bat = bat is null ? entry : throw Malformed("region table", VhdxLayout.RegionTable1Offset, "duplicate BAT region");
            }
            else if (entry.Guid == VhdxGuids.MetadataRegion)
            {
                metadata = metadata is null ? entry : throw Malformed("region table", VhdxLayout.RegionTable1Offset, "duplicate metadata region");
            }
        }

        if (bat is null || metadata is null)
        {
            throw Malformed("region table", VhdxLayout.RegionTable1Offset, "the BAT or the metadata region is missing");
        }

        _occupiedRegions = occupied;
        return new Regions(bat.Value, metadata.Value);
    }

    private async ValueTask<RegionTable?> TryReadRegionTableAsync(long offset, byte[] buffer, CancellationToken cancellationToken)
    {
        await ReadFileAsync(offset, buffer.AsMemory(0, RegionTable.Size), cancellationToken).ConfigureAwait(false);
        return RegionTable.TryRead(buffer.AsSpan(0, RegionTable.Size), out var table) ? table : null;
    }

    private async ValueTask ReadMetadataAsync(RegionTableEntry region, byte[] buffer, CancellationToken cancellationToken)
    {
        _metadataOffset = (long)region.FileOffset;
        await ReadFileAsync(_metadataOffset, buffer.AsMemory(0, MetadataTableHeader.TableSize), cancellationToken).ConfigureAwait(false);
        if (!MetadataTableHeader.TryRead(buffer, out var tableHeader))
        {
            throw Malformed("metadata table", _metadataOffset, "signature is not 'metadata'");
        }

        if (tableHeader.EntryCount > MetadataTableHeader.MaxEntries)
        {
            throw Malformed("metadata table", _metadataOffset, $"{tableHeader.EntryCount} entries exceed the limit of {MetadataTableHeader.MaxEntries}");
        }

        var entries = new MetadataTableEntry[tableHeader.EntryCount];
        var seen = new HashSet<(Guid, bool)>();
        for (var i = 0; i < entries.Length; i++)
        {
            var entryOffset = MetadataTableHeader.Size + (i * MetadataTableEntry.Size);
            var entry = MetadataTableEntry.Read(buffer.AsSpan(entryOffset, MetadataTableEntry.Size));
            var fileOffset = _metadataOffset + entryOffset;
            if (!seen.Add((entry.ItemId, entry.IsUser)))
            {
                throw Malformed("metadata table entry", fileOffset, $"duplicate item {entry.ItemId}");
            }

            if (entry.Length > VhdxLayout.MaxMetadataItemLength
                || (entry.Length > 0 && (entry.Offset < MetadataTableHeader.TableSize || (long)entry.Offset + entry.Length > region.Length)))
            {
                throw Malformed("metadata table entry", fileOffset, $"item {entry.ItemId} at {entry.Offset} with length {entry.Length} lies outside the metadata region");
            }

            if (entry.IsRequired && !entry.IsUser && !IsKnownItem(entry.ItemId))
            {
                throw Malformed("metadata table entry", fileOffset, $"unknown required item {entry.ItemId}");
            }

            entries[i] = entry;
        }

        CheckItemsDoNotOverlap(entries);
        var fileParameters = await ReadItemAsync(entries, VhdxGuids.FileParameters, 8, "file parameters", cancellationToken).ConfigureAwait(false);
        var virtualSizeItem = await ReadItemAsync(entries, VhdxGuids.VirtualDiskSize, 8, "virtual disk size", cancellationToken).ConfigureAwait(false);
        var diskIdItem = await ReadItemAsync(entries, VhdxGuids.VirtualDiskId, 16, "virtual disk ID", cancellationToken).ConfigureAwait(false);
        var logicalItem = await ReadItemAsync(entries, VhdxGuids.LogicalSectorSize, 4, "logical sector size", cancellationToken).ConfigureAwait(false);
        var physicalItem = await ReadItemAsync(entries, VhdxGuids.PhysicalSectorSize, 4, "physical sector size", cancellationToken).ConfigureAwait(false);

        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(fileParameters.Data);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(fileParameters.Data.AsSpan(4));
        if (blockSize < VhdxLayout.MinBlockSize || blockSize > VhdxLayout.MaxBlockSize || !uint.IsPow2(blockSize))
        {
            throw Malformed("file parameters", fileParameters.FileOffset, $"block size {blockSize} is not a power of two from 1 MiB to 256 MiB");
        }

        if ((flags & ~3u) != 0 || flags == 3)
        {
            throw Malformed("file parameters", fileParameters.FileOffset, $"unsupported flags 0x{flags:X}");
        }

        var logical = BinaryPrimitives.ReadUInt32LittleEndian(logicalItem.Data);
        var physical = BinaryPrimitives.ReadUInt32LittleEndian(physicalItem.Data);
        if (logical is not (512 or 4096))
        {
            throw Malformed("logical sector size", logicalItem.FileOffset, $"{logical} is not 512 or 4096");
        }

        if (physical is not (512 or 4096))
        {
            throw Malformed("physical sector size", physicalItem.FileOffset, $"{physical} is not 512 or 4096");
        }

        var virtualSize = BinaryPrimitives.ReadUInt64LittleEndian(virtualSizeItem.Data);
        if (virtualSize == 0 || virtualSize > VhdxLayout.MaxVirtualSize || virtualSize % logical != 0)
        {
            throw Malformed("virtual disk size", virtualSizeItem.FileOffset, $"{virtualSize} is zero, above 64 TiB or not a multiple of the logical sector size");
        }

        BlockSize = (int)blockSize;
        LogicalSectorSize = (int)logical;
        PhysicalSectorSize = (int)physical;
        VirtualSize = (long)virtualSize;
        VirtualDiskId = new Guid(diskIdItem.Data);
        var hasParent = (flags & 2) != 0;
        DiskType = hasParent ? VhdxDiskType.Differencing : (flags & 1) != 0 ? VhdxDiskType.Fixed : VhdxDiskType.Dynamic;
        if (hasParent)
        {
            var locator = await ReadItemAsync(entries, VhdxGuids.ParentLocator, -1, "parent locator", cancellationToken).ConfigureAwait(false);
            _parentLocatorFileOffset = locator.FileOffset;
            ParentLocator = ParseParentLocator(locator.Data, locator.FileOffset);
        }

        _geometry = new BatGeometry(VirtualSize, BlockSize, LogicalSectorSize, hasParent);
    }

    private static bool IsKnownItem(Guid id) =>
        id == VhdxGuids.FileParameters || id == VhdxGuids.VirtualDiskSize || id == VhdxGuids.VirtualDiskId
        || id == VhdxGuids.LogicalSectorSize || id == VhdxGuids.PhysicalSectorSize || id == VhdxGuids.ParentLocator;

    private void CheckItemsDoNotOverlap(MetadataTableEntry[] entries)
    {
        var items = entries.Where(entry => entry.Length > 0).OrderBy(entry => entry.Offset).ToArray();
        for (var i = 1; i < items.Length; i++)
        {
            if ((long)items[i - 1].Offset + items[i - 1].Length > items[i].Offset)
            {
                throw Malformed("metadata item", _metadataOffset + items[i].Offset, $"item {items[i].ItemId} overlaps item {items[i - 1].ItemId}");
            }
        }
    }

    private async ValueTask<(byte[] Data, long FileOffset)> ReadItemAsync(MetadataTableEntry[] entries, Guid id, int exactLength, string name, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            if (entry.ItemId != id || entry.IsUser)
            {
                continue;
            }

            var fileOffset = _metadataOffset + entry.Offset;
            if ((exactLength >= 0 && entry.Length != exactLength) || entry.Length == 0)
            {
                throw Malformed(name, fileOffset, $"item length is {entry.Length}, expected {(exactLength >= 0 ? exactLength : "more than 0")}");
            }

            if (fileOffset + entry.Length > _effectiveLength)
            {
                throw Malformed(name, fileOffset, "item lies beyond the end of the file (truncated)");
            }

            var data = new byte[entry.Length];
            await ReadFileAsync(fileOffset, data, cancellationToken).ConfigureAwait(false);
            return (data, fileOffset);
        }

        throw Malformed("metadata table", _metadataOffset, $"required item '{name}' ({id}) is missing");
    }

    private VhdxParentLocator ParseParentLocator(byte[] item, long fileOffset)
    {
        var problem = ParentLocatorCodec.TryRead(item, out var entries);
        if (problem is not null)
        {
            throw Malformed("parent locator", fileOffset, problem);
        }

        string? Find(string key) => entries.FirstOrDefault(pair => pair.Key == key).Value;
        if (!Guid.TryParseExact(Find("parent_linkage"), "B", out var linkage))
        {
            throw Malformed("parent locator", fileOffset, "parent_linkage is missing or not a braced GUID");
        }

        Guid? linkage2 = Guid.TryParseExact(Find("parent_linkage2"), "B", out var second) && second != Guid.Empty ? second : null;
        var locator = new VhdxParentLocator
        {
            ParentLinkage = linkage,
            ParentLinkage2 = linkage2,
            RelativePath = Find("relative_path"),
            VolumePath = Find("volume_path"),
            AbsoluteWin32Path = Find("absolute_win32_path"),
            Entries = entries,
        };
        if (locator.RelativePath is null && locator.VolumePath is null && locator.AbsoluteWin32Path is null)
        {
            throw Malformed("parent locator", fileOffset, "no relative_path, volume_path or absolute_win32_path");
        }

        return locator;
    }

    private async ValueTask ReadBatAsync(Regions regions, CancellationToken cancellationToken)
    {
        _batOffset = (long)regions.Bat.FileOffset;
        var entryBytes = _geometry.TotalEntries * BatEntry.Size;
        if (entryBytes > regions.Bat.Length)
        {
            throw Malformed("BAT", _batOffset, $"{_geometry.TotalEntries} entries do not fit in the {regions.Bat.Length}-byte region");
        }

        if (_batOffset + entryBytes > _effectiveLength)
        {
            throw Malformed("BAT", _batOffset, "BAT extends beyond the end of the file (truncated)");
        }

        const int EntriesPerPage = VhdxLayout.LogSectorSize / BatEntry.Size;
        _bat = new ulong[VhdxLayout.RoundUp(_geometry.TotalEntries, EntriesPerPage)];
        var chunk = ArrayPool<byte>.Shared.Rent(VhdxLayout.MiB);
        try
        {
            for (long done = 0; done < entryBytes; done += VhdxLayout.MiB)
            {
                var length = (int)Math.Min(VhdxLayout.MiB, entryBytes - done);
                await ReadFileAsync(_batOffset + done, chunk.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < length; i += BatEntry.Size)
                {
                    _bat[(done + i) / BatEntry.Size] = BinaryPrimitives.ReadUInt64LittleEndian(chunk.AsSpan(i));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        ValidateBat();
    }

    private void ValidateBat()
    {
        var hasParent = DiskType == VhdxDiskType.Differencing;
        var objects = new List<(long Start, long End, long Index)>();
        for (long index = 0; index < _geometry.TotalEntries; index++)
        {
            var entry = _bat[index];
            var state = BatEntry.State(entry);
            var entryOffset = _batOffset + (index * BatEntry.Size);
            if (_geometry.IsBitmapIndex(index))
            {
                if (hasParent && state != BatEntry.NotPresent && state != BatEntry.BitmapPresent)
                {
                    throw Malformed("BAT entry", entryOffset, $"sector bitmap entry {index} has reserved state {state}");
                }
            }
            else if (_geometry.BlockOfIndex(index) is var block && block < _geometry.DataBlockCount)
            {
                if (state == 4)
                {
                    throw Malformed("BAT entry", entryOffset, $"payload entry {index} has reserved state 4");
                }

                if (state == BatEntry.PartiallyPresent && hasParent
                    && BatEntry.State(_bat[_geometry.BitmapIndex(block / _geometry.ChunkRatio)]) != BatEntry.BitmapPresent)
                {
                    throw Malformed("BAT entry", entryOffset, $"block {block} is partially present but its chunk has no sector bitmap");
                }
            }

            if (ObjectOf(index) is not { } item)
            {
                continue;
            }

            if (item.Start < VhdxLayout.HeaderSectionSize)
            {
                throw Malformed("BAT entry", entryOffset, $"entry {index} points into the header section");
            }

            if (item.RequiredEnd > _effectiveLength)
            {
                throw Malformed("BAT entry", entryOffset, $"entry {index} points beyond the end of the file ({item.RequiredEnd} > {_effectiveLength})");
            }

            objects.Add((item.Start, item.End, index));
        }

        for (var region = 0; region < _occupiedRegions.Count; region++)
        {
            objects.Add((_occupiedRegions[region].Start, _occupiedRegions[region].End, -1 - region));
        }

        objects.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var i = 1; i < objects.Count; i++)
        {
            if (objects[i].Start < objects[i - 1].End)
            {
                var index = objects[i].Index >= 0 ? objects[i].Index : objects[i - 1].Index;
                var entryOffset = index >= 0 ? _batOffset + (index * BatEntry.Size) : _batOffset;
                throw Malformed("BAT entry", entryOffset, $"entry {index} overlaps another block or region (at file offset {objects[i].Start})");
            }
        }

        // The header section is always among the objects; new blocks go after the last of them.
        _fileEnd = VhdxLayout.RoundUp(Math.Max(objects.Max(item => item.End), _effectiveLength), VhdxLayout.MiB);
    }

    private readonly record struct Regions(RegionTableEntry Bat, RegionTableEntry Metadata);
}
