using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>
/// Files we write pass qemu-img check and equal the raw image we expect; files qemu writes read
/// equal to its own conversion. qemu 7.2 refuses 4096-byte logical sectors (ENOTSUP, verified on
/// a qemu-made file with only that item changed), so those files are cross-checked with libvhdi.
/// </summary>
public sealed class QemuCrossCheckTests
{
    public static TheoryData<VhdxDiskType, long, int, int, int> Shapes => new()
    {
        { VhdxDiskType.Dynamic, 64L << 20, 1 << 20, 512, 4096 },
        { VhdxDiskType.Dynamic, (48L << 20) + (3 * 4096), 2 << 20, 4096, 4096 },
        { VhdxDiskType.Dynamic, (40L << 20) + (7 * 512), 32 << 20, 512, 512 },
        { VhdxDiskType.Fixed, 24L << 20, 1 << 20, 512, 4096 },
        { VhdxDiskType.Fixed, (20L << 20) + 4096, 4 << 20, 4096, 512 },
        { VhdxDiskType.Fixed, (9L << 20) + 512, 8 << 20, 512, 512 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task CreateAndWrite_AnyShape_PassesQemuCheckAndCompare(VhdxDiskType type, long size, int blockSize, int logical, int physical)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("ours.vhdx");
        var model = new byte[size];
        var options = new VhdxCreateOptions { Type = type, VirtualSize = size, BlockSize = blockSize, LogicalSectorSize = logical, PhysicalSectorSize = physical };
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, options, cancellationToken))
        {
            await WritePatternsAsync(file, model, new Random((int)(size % 1000)), cancellationToken);
        }

        await File.WriteAllBytesAsync(directory.File("expected.raw"), model, cancellationToken);
        if (logical == 4096)
        {
            var info4k = await Tools.VhdiinfoAsync(path, cancellationToken);
            var libvhdi = await Tools.PyvhdiSha256Async(cancellationToken, path);

            info4k.ExitCode.ShouldBe(0, info4k.ToString());
            info4k.StandardOutput.ShouldMatch(@"Bytes per sector\s*:\s*4096");
            libvhdi.ShouldBe(DiskHash.Of(model));
            return;
        }

        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", path);
        var compare = await Tools.QemuImgAsync(cancellationToken, "compare", "-f", "vhdx", "-F", "raw", path, directory.File("expected.raw"));
        var info = await Tools.QemuImgAsync(cancellationToken, "info", "--output=json", "-f", "vhdx", path);

        check.ExitCode.ShouldBe(0, check.ToString());
        check.StandardOutput.ShouldContain("No errors were found");
        compare.ExitCode.ShouldBe(0, compare.ToString());
        info.StandardOutput.ShouldContain($"\"virtual-size\": {size}");
        info.StandardOutput.ShouldContain($"\"cluster-size\": {blockSize}");
    }

    [Fact]
    public async Task OpenAsync_QemuWrittenDynamicFile_ReadsEqualToQemuConvert()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("qemu.vhdx");
        (await Tools.QemuImgAsync(cancellationToken, "create", "-q", "-f", "vhdx", "-o", "subformat=dynamic,block_size=1M", path, "64M")).ExitCode.ShouldBe(0);
        (await Tools.QemuIoAsync(cancellationToken, "-f", "vhdx", "-c", "write -q -P 0xab 1M 64k", "-c", "write -q -P 0xcd 40M 512", "-c", "write -q -P 0x11 63M 1M", path)).ExitCode.ShouldBe(0);
        (await Tools.QemuImgAsync(cancellationToken, "convert", "-f", "vhdx", "-O", "raw", path, directory.File("qemu.raw"))).ExitCode.ShouldBe(0);
        var expected = DiskHash.Of(await File.ReadAllBytesAsync(directory.File("qemu.raw"), cancellationToken));

        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, cancellationToken);
        var actual = await DiskHash.OfAsync(file, cancellationToken);

        actual.ShouldBe(expected);
    }

    [Fact]
    public async Task WriteAsync_IotestRangeOverHyperVFile_QemuReadsTheSame()
    {
        // qemu iotest 064: 0xC3 over virtual 99 MiB - 157 MiB of the Hyper-V 1 GiB file.
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = await Testing.Vhdx.VhdxFixtures.CopyAsync("iotest-dynamic-1G.vhdx", directory.Path, cancellationToken);
        await using (var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            var pattern = new byte[58 << 20];
            Array.Fill(pattern, (byte)0xC3);
            await file.WriteAsync(99L << 20, pattern, cancellationToken);
        }

        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", path);
        var io = await Tools.QemuIoAsync(
            cancellationToken,
            "-r", "-f", "vhdx",
            "-c", "read -q -P 0xa5 0 33M",
            "-c", "read -q -P 0x96 33M 33M",
            "-c", "read -q -P 0 66M 33M",
            "-c", "read -q -P 0xc3 99M 58M",
            "-c", "read -q -P 0 157M 867M",
            path);

        check.ExitCode.ShouldBe(0, check.ToString());
        io.ExitCode.ShouldBe(0, io.ToString());
        io.StandardOutput.ShouldNotContain("Pattern verification failed");
    }

    [Fact]
    public async Task CreateAsync_64TiBDynamic_QemuChecksAndReadsTheLastBlock()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("huge.vhdx");
        const long Size = 64L << 40;
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(Size, 256 << 20), cancellationToken))
        {
            var data = new byte[1 << 20];
            Array.Fill(data, (byte)0x7E);
            await file.WriteAsync(Size - data.Length, data, cancellationToken);
        }

        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", path);
        var io = await Tools.QemuIoAsync(cancellationToken, "-r", "-f", "vhdx", "-c", $"read -q -P 0x7e {Size - (1 << 20)} 1M", "-c", "read -q -P 0 0 1M", path);

        check.ExitCode.ShouldBe(0, check.ToString());
        io.ExitCode.ShouldBe(0, io.ToString());
        io.StandardOutput.ShouldNotContain("Pattern verification failed");
    }

    /// <summary>Aligned and unaligned writes, some spanning blocks, some rewriting earlier ones.</summary>
    internal static async Task WritePatternsAsync(VhdxFile file, byte[] model, Random random, CancellationToken cancellationToken)
    {
        var size = model.LongLength;
        for (var i = 0; i < 24; i++)
        {
            var length = random.Next(1, (int)Math.Min(3L * file.BlockSize / 2, size / 2));
            var offset = random.NextInt64(0, size - length);
            if (i % 2 == 0)
            {
                offset -= offset % file.LogicalSectorSize;
                length = Math.Max(file.LogicalSectorSize, length - (length % file.LogicalSectorSize));
            }

            var data = new byte[length];
            random.NextBytes(data);
            await file.WriteAsync(offset, data, cancellationToken);
            data.CopyTo(model, offset);
            if (i % 7 == 0)
            {
                await file.FlushAsync(cancellationToken);
            }
        }

        // The very last byte of the disk, to cover the tail of a partial last block.
        var last = new byte[] { 0x5C };
        await file.WriteAsync(size - 1, last, cancellationToken);
        model[^1] = 0x5C;
    }
}
