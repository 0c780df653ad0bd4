using System.Buffers.Binary;
using Broker.Testing;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>Hostile files: every malformation ends in a <see cref="VhdxFormatException"/> naming the structure.</summary>
public sealed class MalformedInputTests : IAsyncLifetime
{
    private const int MiB = 1 << 20;
    private const int MetadataOffset = 2 * MiB;
    private const int BatOffset = 3 * MiB;
    private const int ItemsOffset = MetadataOffset + (64 * 1024);

    /// <summary>One valid 8 MiB dynamic file with block 0 allocated, made once for every test of the class.</summary>
    private static readonly Lazy<Task<byte[]>> ValidFile = new(CreateValidAsync);

    private readonly TempDirectory _directory = new();
    private byte[] _valid = [];

    public async ValueTask InitializeAsync() => _valid = await ValidFile.Value;

    private static async Task<byte[]> CreateValidAsync()
    {
        using var directory = new TempDirectory();
        var path = directory.File("valid.vhdx");
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(8 * MiB, MiB), CancellationToken.None))
        {
            await file.WriteAsync(0, new byte[4096], CancellationToken.None);
        }

        return await File.ReadAllBytesAsync(path, CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "truncated below the header section", "file" },
        { "truncated inside the BAT", "BAT" },
        { "truncated inside a data block", "BAT entry" },
        { "bad file signature", "file identifier" },
        { "both headers corrupted", "header" },
        { "equal sequence numbers, different headers", "header" },
        { "header version 2", "header" },
        { "log version 1", "header" },
        { "log not 1 MiB aligned", "header" },
        { "both region tables corrupted", "region table" },
        { "BAT region overlaps metadata region", "region table" },
        { "region inside the header section", "region table" },
        { "unknown required region", "region table" },
        { "BAT region missing", "region table" },
        { "BAT entry beyond end of file", "BAT entry" },
        { "BAT entries overlap each other", "BAT entry" },
        { "BAT entry inside the metadata region", "BAT entry" },
        { "BAT entry with reserved state", "BAT entry" },
        { "virtual size of 2^62", "virtual disk size" },
        { "virtual size not a sector multiple", "virtual disk size" },
        { "block size not a power of two", "file parameters" },
        { "file parameters with both flags", "file parameters" },
        { "logical sector size 1024", "logical sector size" },
        { "metadata signature", "metadata table" },
        { "required metadata item missing", "metadata table" },
        { "metadata item outside its region", "metadata table entry" },
        { "duplicate metadata item", "metadata table entry" },
        { "unknown required metadata item", "metadata table entry" },
        { "metadata item of wrong size", "virtual disk size" },
        { "log of 1 GiB", "log" },
        { "log beyond end of file", "log" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OpenAsync_MalformedFile_ThrowsFormatExceptionNamingStructure(string malformation, string structure)
    {
        var path = await WriteMutatedAsync(Mutate(malformation));

        var exception = await Should.ThrowAsync<VhdxFormatException>(async () => await VhdxFile.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken));

        exception.Structure.ShouldBe(structure, exception.Message);
        exception.Message.ShouldContain("file offset", customMessage: exception.Message);
    }

    [Fact]
    public async Task OpenAsync_OneHeaderCorrupted_UsesTheOther()
    {
        var bytes = (byte[])_valid.Clone();
        bytes[VhdxLayout.Header2Offset + 100] ^= 0xFF;
        var path = await WriteMutatedAsync(bytes);

        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);

        file.VirtualSize.ShouldBe(8 * MiB);
    }

    [Fact]
    public async Task OpenAsync_LogGuidWithoutValidEntry_OpensWithoutReplay()
    {
        var bytes = (byte[])_valid.Clone();
        PatchHeaders(bytes, header => header with { LogGuid = Guid.NewGuid() });
        new Random(5).NextBytes(bytes.AsSpan(MiB, MiB));
        var path = await WriteMutatedAsync(bytes);

        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);

        file.LogReplayed.ShouldBeFalse();
    }

    [Fact]
    public async Task OpenAsync_RandomByteFlips_OpenAndReadOrThrowOnlyFormatException()
    {
        var random = new Random(1234);
        for (var round = 0; round < 100; round++)
        {
            var bytes = (byte[])_valid.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                // Aim at the structures: headers, region tables, log, metadata table and items, BAT.
                int[] targets = [(int)VhdxLayout.Header1Offset, (int)VhdxLayout.Header2Offset, (int)VhdxLayout.RegionTable1Offset, MetadataOffset, ItemsOffset, BatOffset];
                bytes[targets[random.Next(targets.Length)] + random.Next(128)] = (byte)random.Next(256);
            }

            var path = await WriteMutatedAsync(bytes);
            try
            {
                await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);
                await DiskHash.OfAsync(disk, TestContext.Current.CancellationToken);
            }
            catch (VhdxFormatException)
            {
                // Expected for most mutations.
            }
        }
    }

    private byte[] Mutate(string malformation)
    {
        var bytes = (byte[])_valid.Clone();
        switch (malformation)
        {
            case "truncated below the header section":
                return bytes[..(512 * 1024)];
            case "truncated inside the BAT":
                return bytes[..(BatOffset + 16)];
            case "truncated inside a data block":
                return bytes[..((4 * MiB) + 4096)];
            case "bad file signature":
                bytes[0] = (byte)'X';
                break;
            case "both headers corrupted":
                bytes[VhdxLayout.Header1Offset + 100] ^= 1;
                bytes[VhdxLayout.Header2Offset + 100] ^= 1;
                break;
            case "equal sequence numbers, different headers":
                PatchHeaders(bytes, header => header with { SequenceNumber = 42, DataWriteGuid = Guid.NewGuid() });
                break;
            case "header version 2":
                PatchHeaders(bytes, header => header with { Version = 2 });
                break;
            case "log version 1":
                PatchHeaders(bytes, header => header with { LogVersion = 1 });
                break;
            case "log not 1 MiB aligned":
                PatchHeaders(bytes, header => header with { LogOffset = MiB + 4096 });
                break;
            case "both region tables corrupted":
                bytes[VhdxLayout.RegionTable1Offset + 20] ^= 1;
                bytes[VhdxLayout.RegionTable2Offset + 20] ^= 1;
                break;
            case "BAT region overlaps metadata region":
                PatchRegions(bytes, entries => [.. entries.Select(e => e.Guid == VhdxGuids.BatRegion ? e with { FileOffset = MetadataOffset } : e)]);
                break;
            case "region inside the header section":
                PatchRegions(bytes, entries => [.. entries.Select(e => e.Guid == VhdxGuids.BatRegion ? e with { FileOffset = 0 } : e)]);
                break;
            case "unknown required region":
                PatchRegions(bytes, entries => [.. entries, new RegionTableEntry(Guid.NewGuid(), 8 * MiB, MiB, true)]);
                break;
            case "BAT region missing":
                PatchRegions(bytes, entries => [.. entries.Where(e => e.Guid != VhdxGuids.BatRegion)]);
                break;
            case "BAT entry beyond end of file":
                SetBat(bytes, 1, BatEntry.Make(100L * MiB, BatEntry.FullyPresent));
                break;
            case "BAT entries overlap each other":
                SetBat(bytes, 1, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(BatOffset)));
                break;
            case "BAT entry inside the metadata region":
                SetBat(bytes, 1, BatEntry.Make(MetadataOffset, BatEntry.FullyPresent));
                break;
            case "BAT entry with reserved state":
                SetBat(bytes, 2, 4);
                break;
            case "virtual size of 2^62":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(ItemsOffset + 8), 1UL << 62);
                break;
            case "virtual size not a sector multiple":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(ItemsOffset + 8), (8UL * MiB) - 1);
                break;
            case "block size not a power of two":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ItemsOffset), 3u * MiB);
                break;
            case "file parameters with both flags":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ItemsOffset + 4), 3);
                break;
            case "logical sector size 1024":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ItemsOffset + 16), 1024);
                break;
            case "metadata signature":
                bytes[MetadataOffset] = (byte)'X';
                break;
            case "required metadata item missing":
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(MetadataOffset + 10), 4);
                break;
            case "metadata item outside its region":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(MetadataOffset + 32 + 16), MiB - 4);
                break;
            case "duplicate metadata item":
                bytes.AsSpan(MetadataOffset + 32, 16).CopyTo(bytes.AsSpan(MetadataOffset + 64));
                break;
            case "unknown required metadata item":
                Guid.NewGuid().TryWriteBytes(bytes.AsSpan(MetadataOffset + 32 + (4 * 32)));
                break;
            case "metadata item of wrong size":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(MetadataOffset + 64 + 20), 4);
                break;
            case "log of 1 GiB":
                PatchHeaders(bytes, header => header with { LogGuid = Guid.NewGuid(), LogLength = 1u << 30 });
                break;
            case "log beyond end of file":
                PatchHeaders(bytes, header => header with { LogGuid = Guid.NewGuid(), LogOffset = 64UL * MiB });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(malformation), malformation, null);
        }

        return bytes;
    }

    private async Task<string> WriteMutatedAsync(byte[] bytes)
    {
        var path = _directory.File($"{Guid.NewGuid():N}.vhdx");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        return path;
    }

    private static void PatchHeaders(byte[] bytes, Func<VhdxHeader, VhdxHeader> change)
    {
        foreach (var offset in new[] { (int)VhdxLayout.Header1Offset, (int)VhdxLayout.Header2Offset })
        {
            VhdxHeader.TryRead(bytes.AsSpan(offset, VhdxHeader.Size), out var header).ShouldBeTrue();
            change(header).Write(bytes.AsSpan(offset, VhdxHeader.Size));
        }
    }

    private static void PatchRegions(byte[] bytes, Func<IReadOnlyList<RegionTableEntry>, RegionTableEntry[]> change)
    {
        RegionTable.TryRead(bytes.AsSpan((int)VhdxLayout.RegionTable1Offset, RegionTable.Size), out var table).ShouldBeTrue();
        var patched = new RegionTable(change(table.Entries));
        patched.Write(bytes.AsSpan((int)VhdxLayout.RegionTable1Offset, RegionTable.Size));
        patched.Write(bytes.AsSpan((int)VhdxLayout.RegionTable2Offset, RegionTable.Size));
    }

    private static void SetBat(byte[] bytes, int index, ulong entry) =>
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(BatOffset + (index * 8)), entry);
}
