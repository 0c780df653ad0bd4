using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>
/// A disk whose virtual size is not a multiple of its block size: open, check, repair and the
/// allocation map agree on its last block, and qemu-img is the oracle for what is valid.
/// </summary>
public sealed class LastBlockTests
{
    private const int BlockSize = 4 << 20;

    /// <summary>Three blocks, the last covering 1 MiB + 12 KiB.</summary>
    private const long VirtualSize = (9L << 20) + (3 * 4096);
    private const long LastBlockStart = 2L * BlockSize;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OddSizedDisk_WeWrote_WholeLastBlockIsUsedAndTheMapEndsAtTheVirtualSize()
    {
        using var directory = new TempDirectory();
        var (path, _) = await CreateAsync(directory);

        var check = await VhdxFile.CheckAsync(FileStorage.Instance, path, Token);
        var repair = await VhdxFile.RepairAsync(FileStorage.Instance, path, Token);

        check.Problems.ShouldBeEmpty();
        check.LeakedBytes.ShouldBe(0);
        repair.TruncatedBytes.ShouldBe(0);
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, Token);
        (await file.GetAllocationAsync(Token)).ShouldBe([new VhdxExtent(0, BlockSize, VhdxExtentKind.Data), new VhdxExtent(LastBlockStart, VirtualSize - LastBlockStart, VhdxExtentKind.Data)]);
        var qemuCheck = await Tools.QemuImgAsync(Token, "check", "-f", "vhdx", path);
        qemuCheck.ExitCode.ShouldBe(0, qemuCheck.ToString());
    }

    [Fact]
    public async Task OddSizedDisk_ShortLastBlock_OpensReadsChecksAndGrowsAsQemuDoes()
    {
        using var directory = new TempDirectory();
        var (path, expected) = await CreateAsync(directory);

        // Older qemu wrote the last block only as far as the disk reaches; qemu still accepts that.
        var shortLength = new FileInfo(path).Length - BlockSize + (VirtualSize - LastBlockStart);
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(shortLength);
        }

        await ShouldMatchQemuAsync(directory, path, expected);
        var check = await VhdxFile.CheckAsync(FileStorage.Instance, path, Token);
        check.Problems.ShouldBeEmpty();
        check.LeakedBytes.ShouldBe(0);
        (await VhdxFile.RepairAsync(FileStorage.Instance, path, Token)).TruncatedBytes.ShouldBe(0);
        new FileInfo(path).Length.ShouldBe(shortLength);
        (await ReadAllAsync(path)).AsSpan().SequenceEqual(expected).ShouldBeTrue();

        // A block allocated now goes after the whole last block, never into its reserved tail.
        var middle = new byte[4096];
        Random.Shared.NextBytes(middle);
        await using (var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, Token))
        {
            await file.WriteAsync(BlockSize + 8192, middle, Token);
        }

        middle.CopyTo(expected, BlockSize + 8192);
        await ShouldMatchQemuAsync(directory, path, expected);
        (await ReadAllAsync(path)).AsSpan().SequenceEqual(expected).ShouldBeTrue();
    }

    /// <summary>A dynamic disk with data in its first and last blocks (allocated in that order).</summary>
    private static async Task<(string Path, byte[] Content)> CreateAsync(TempDirectory directory)
    {
        var path = directory.File("odd.vhdx");
        var content = new byte[VirtualSize];
        Random.Shared.NextBytes(content.AsSpan(0, 4096));
        Random.Shared.NextBytes(content.AsSpan((int)VirtualSize - 8192));
        await using var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), Token);
        await file.WriteAsync(0, content.AsMemory(0, 4096), Token);
        await file.WriteAsync(VirtualSize - 8192, content.AsMemory((int)VirtualSize - 8192), Token);
        return (path, content);
    }

    private static async Task<byte[]> ReadAllAsync(string path)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, Token);
        var content = new byte[file.VirtualSize];
        await file.ReadAsync(0, content, Token);
        return content;
    }

    private static async Task ShouldMatchQemuAsync(TempDirectory directory, string path, byte[] expected)
    {
        await File.WriteAllBytesAsync(directory.File("expected.raw"), expected, Token);
        var check = await Tools.QemuImgAsync(Token, "check", "-f", "vhdx", path);
        var compare = await Tools.QemuImgAsync(Token, "compare", "-f", "vhdx", "-F", "raw", path, directory.File("expected.raw"));
        check.ExitCode.ShouldBe(0, check.ToString());
        compare.ExitCode.ShouldBe(0, compare.ToString());
    }
}
