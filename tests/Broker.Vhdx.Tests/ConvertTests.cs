using Broker.Testing;
using Broker.Testing.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

public sealed class ConvertTests
{
    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task ConvertAsync_ChainToRaw_EqualsTheChainAndIsSparse(int logicalSectorSize)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await MergeTests.BuildChainAsync(directory, logicalSectorSize, cancellationToken);
        var raw = directory.File("flat.raw");

        await VhdxConvert.ConvertAsync(FileStorage.Instance, directory.File("top.avhdx"), raw, new VhdxConvertOptions(), null, cancellationToken);

        (await File.ReadAllBytesAsync(raw, cancellationToken)).ShouldBe(model);
        File.Exists(raw + VhdxConvert.TemporarySuffix).ShouldBeFalse();
        (await AllocatedBytesAsync(raw, cancellationToken)).ShouldBeLessThan(model.LongLength);
    }

    [Theory]
    [InlineData(VhdxDiskType.Dynamic, 1 << 20)]
    [InlineData(VhdxDiskType.Dynamic, 4 << 20)]
    [InlineData(VhdxDiskType.Fixed, 2 << 20)]
    public async Task ConvertAsync_ChainToVhdx_PassesQemuCheckAndCompare(VhdxDiskType type, int blockSize)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await MergeTests.BuildChainAsync(directory, 512, cancellationToken);
        await File.WriteAllBytesAsync(directory.File("expected.raw"), model, cancellationToken);
        var output = directory.File("flat.vhdx");

        await VhdxConvert.ConvertAsync(FileStorage.Instance, directory.File("top.avhdx"), output, new VhdxConvertOptions { Format = VhdxConvertFormat.Vhdx, Type = type, BlockSize = blockSize }, null, cancellationToken);

        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", output);
        var compare = await Tools.QemuImgAsync(cancellationToken, "compare", "-f", "vhdx", "-F", "raw", output, directory.File("expected.raw"));
        check.ExitCode.ShouldBe(0, check.ToString());
        compare.ExitCode.ShouldBe(0, compare.ToString());
        await using var converted = await VhdxFile.OpenAsync(FileStorage.Instance, output, null, cancellationToken);
        converted.DiskType.ShouldBe(type);
        converted.BlockSize.ShouldBe(blockSize);
        converted.VirtualSize.ShouldBe(model.LongLength);
    }

    [Fact]
    public async Task ConvertAsync_FourKiBSectorChainToVhdx_KeepsSectorSizeAndContent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await MergeTests.BuildChainAsync(directory, 4096, cancellationToken);
        var output = directory.File("flat.vhdx");

        await VhdxConvert.ConvertAsync(FileStorage.Instance, directory.File("top.avhdx"), output, new VhdxConvertOptions { Format = VhdxConvertFormat.Vhdx }, null, cancellationToken);

        await using var converted = await VhdxFile.OpenAsync(FileStorage.Instance, output, null, cancellationToken);
        converted.LogicalSectorSize.ShouldBe(4096);
        converted.ParentLocator.ShouldBeNull();
        (await DiskHash.OfAsync(converted, cancellationToken)).ShouldBe(DiskHash.Of(model));
    }

    [Fact]
    public async Task ConvertAsync_HyperVChainToRaw_HasTheRecordedSha256()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var child = await VhdxFixtures.CopyAsync("dissect-differencing.avhdx", directory.Path, cancellationToken);
        await VhdxFixtures.CopyAsync("Generation 1_49C4BAF3-4B25-4406-8C4B-D39E65C32385.avhdx", directory.Path, cancellationToken);
        var raw = directory.File("flat.raw");
        var reports = new List<VhdxProgress>();

        await VhdxConvert.ConvertAsync(FileStorage.Instance, child, raw, new VhdxConvertOptions(), new SyncProgress(reports.Add), cancellationToken);

        (await VhdxFixtures.FileSha256Async(raw, cancellationToken)).ShouldBe("701e8d6f3e7e01db8a7ef5fb73e3852e701c4f2f2896ca256f565618d222c5c9");
        (await AllocatedBytesAsync(raw, cancellationToken)).ShouldBeLessThan(256L << 20);
        reports[^1].Completed.ShouldBe(reports[^1].Total);
    }

    [Fact]
    public async Task ConvertAsync_DestinationExists_ThrowsAndKeepsIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await MergeTests.BuildChainAsync(directory, 512, cancellationToken);

        await Should.ThrowAsync<IOException>(() => VhdxConvert.ConvertAsync(FileStorage.Instance, directory.File("top.avhdx"), directory.File("base.vhdx"), new VhdxConvertOptions(), null, cancellationToken));

        (await VhdxFile.CheckAsync(FileStorage.Instance, directory.File("base.vhdx"), cancellationToken)).IsClean.ShouldBeTrue();
    }

    private static async Task<long> AllocatedBytesAsync(string path, CancellationToken cancellationToken)
    {
        var stat = await ExternalTool.RunAsync("stat", ["-c", "%b %B", path], cancellationToken);
        stat.ExitCode.ShouldBe(0, stat.ToString());
        var parts = stat.StandardOutput.Trim().Split(' ');
        return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class SyncProgress(Action<VhdxProgress> report) : IProgress<VhdxProgress>
    {
        public void Report(VhdxProgress value) => report(value);
    }
}
