using System.Buffers.Binary;
using System.Security.Cryptography;
using Broker.Testing;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>
/// <c>RepairAsync</c> on damage it may fix without guessing: afterwards our check is clean, qemu-img
/// and libvhdi accept the file, and the virtual content is what it was. Damage of our own making is
/// patched into files we wrote, at the offsets our layout puts the structures.
/// </summary>
public sealed class RepairTests
{
    private const long BatOffset = 3L << 20;
    private const int BlockSize = 1 << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Repair_CleanFile_ChangesNothing()
    {
        using var directory = new TempDirectory();
        var path = await CreateWithDataAsync(directory, 8 << 20);
        var before = await HashFileAsync(path);

        var result = await VhdxFile.RepairAsync(FileStorage.Instance, path, Token);

        result.Changed.ShouldBeFalse();
        (await HashFileAsync(path)).ShouldBe(before);
    }

    [Theory]
    [InlineData(VhdxLayout.RegionTable1Offset)]
    [InlineData(VhdxLayout.RegionTable2Offset)]
    public async Task Repair_OneRegionTableCopyDamaged_RewritesItFromTheIntactOne(long damaged)
    {
        using var directory = new TempDirectory();
        var path = await CreateWithDataAsync(directory, 8 << 20);
        var content = await ReadVirtualAsync(path);
        await PatchAsync(path, damaged + 40, [0x42]);
        (await VhdxFile.CheckAsync(FileStorage.Instance, path, Token)).HasCorruptions.ShouldBeTrue();

        var result = await VhdxFile.RepairAsync(FileStorage.Instance, path, Token);

        result.RegionTableRestored.ShouldBeTrue();
        await ShouldBeCleanEverywhereAsync(path, content);
    }

    [Fact]
    public async Task Repair_OneHeaderCopyDamaged_RewritesIt()
    {
        using var directory = new TempDirectory();
        var path = await CreateWithDataAsync(directory, 8 << 20);
        var content = await ReadVirtualAsync(path);
        await PatchAsync(path, VhdxLayout.Header1Offset + 100, [0x42]);
        (await VhdxFile.CheckAsync(FileStorage.Instance, path, Token)).Problems.ShouldHaveSingleItem().Structure.ShouldBe("header");

        var result = await VhdxFile.RepairAsync(FileStorage.Instance, path, Token);

        result.HeaderRestored.ShouldBeTrue();
        await ShouldBeCleanEverywhereAsync(path, content);
    }

    [Theory]
    [InlineData(BatEntry.Zero)]
    [InlineData(BatEntry.NotPresent)]
    public async Task Repair_FileOffsetOnABlockWithoutData_ClearsItThroughTheLog(int state)
    {
        using var directory = new TempDirectory();
        var path = await CreateWithDataAsync(directory, 8 << 20);
        var content = await ReadVirtualAsync(path);
        await PatchBatEntryAsync(path, 5, BatEntry.Make(64L << 20, state));
        (await VhdxFile.CheckAsync(FileStorage.Instance, path, Token)).Problems.ShouldHaveSingleItem().Description.ShouldContain("non-zero file offset");

        var result = await VhdxFile.RepairAsync(FileStorage.Instance, path, Token);

        result.BatEntriesCleared.ShouldBe(1);
        await ShouldBeCleanEverywhereAsync(path, content);
        (await ReadBatEntryAsync(path, 5)).ShouldBe((ulong)state);
    }

    [Fact]
    public async Task Repair_SectorBitmapEntryInADynamicFile_ClearsIt()
    {
        // 512-byte sectors and 1 MiB blocks: a chunk is 4096 blocks, so entry 4096 is the first
        // sector bitmap entry, present only in a disk of more than 4 GiB.
        using var directory = new TempDirectory();
        var path = await CreateWithDataAsync(directory, (4L << 30) + (8 << 20));
        await PatchBatEntryAsync(path, 4096, BatEntry.Make(64L << 20, BatEntry.BitmapPresent));
        (await VhdxFile.CheckAsync(FileStorage.Instance, path, Token)).Problems.ShouldHaveSingleItem().Description.ShouldContain("sector bitmap entry");

        var result = await VhdxFile.RepairAsync(FileStorage.Instance, path, Token);

        result.BatEntriesCleared.ShouldBe(1);
        (await ReadBatEntryAsync(path, 4096)).ShouldBe(0UL);
        var check = await VhdxFile.CheckAsync(FileStorage.Instance, path, Token);
        check.Problems.ShouldBeEmpty();
        var qemuCheck = await Tools.QemuImgAsync(Token, "check", "-f", "vhdx", path);
        qemuCheck.ExitCode.ShouldBe(0, qemuCheck.ToString());
    }

    /// <summary>A dynamic disk with 1 MiB blocks and data in its first blocks.</summary>
    private static async Task<string> CreateWithDataAsync(TempDirectory directory, long virtualSize)
    {
        var path = directory.File("disk.vhdx");
        await using var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(virtualSize, BlockSize), Token);
        var data = new byte[3 * BlockSize / 2];
        new Random(7).NextBytes(data);
        await file.WriteAsync(4096, data, Token);
        return path;
    }

    private static async Task ShouldBeCleanEverywhereAsync(string path, byte[] content)
    {
        var check = await VhdxFile.CheckAsync(FileStorage.Instance, path, Token);
        check.Problems.ShouldBeEmpty();
        check.LeakedBytes.ShouldBe(0);
        (await ReadVirtualAsync(path)).AsSpan().SequenceEqual(content).ShouldBeTrue();
        var qemuCheck = await Tools.QemuImgAsync(Token, "check", "-f", "vhdx", path);
        qemuCheck.ExitCode.ShouldBe(0, qemuCheck.ToString());
        var vhdiinfo = await Tools.VhdiinfoAsync(path, Token);
        vhdiinfo.ExitCode.ShouldBe(0, vhdiinfo.ToString());
    }

    private static async Task<byte[]> ReadVirtualAsync(string path)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, VhdxOpenOptions.ReadOnlyDefault, Token);
        var content = new byte[file.VirtualSize];
        await file.ReadAsync(0, content, Token);
        return content;
    }

    private static async Task PatchBatEntryAsync(string path, long index, ulong entry)
    {
        var bytes = new byte[BatEntry.Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, entry);
        await PatchAsync(path, BatOffset + (index * BatEntry.Size), bytes);
    }

    private static async Task<ulong> ReadBatEntryAsync(string path, long index)
    {
        var bytes = new byte[BatEntry.Size];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        stream.Position = BatOffset + (index * BatEntry.Size);
        await stream.ReadExactlyAsync(bytes, Token);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private static async Task PatchAsync(string path, long offset, byte[] bytes)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        await stream.WriteAsync(bytes, Token);
    }

    private static async Task<string> HashFileAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, Token));
    }
}
