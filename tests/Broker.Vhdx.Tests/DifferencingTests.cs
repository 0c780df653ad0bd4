using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

public sealed class DifferencingTests
{
    private const long Size = 40L << 20;

    [Fact]
    public async Task WriteAsync_ThreeLevelChain_LibvhdiReadsTheSameAsUs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = new byte[Size];
        var random = new Random(11);
        await using (var baseFile = await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("base.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), cancellationToken))
        {
            await QemuCrossCheckTests.WritePatternsAsync(baseFile, model, random, cancellationToken);
        }

        Directory.CreateDirectory(directory.File("layers"));
        foreach (var (child, parent) in new[] { ("layers/l1.avhdx", "base.vhdx"), ("layers/top.avhdx", "layers/l1.avhdx") })
        {
            await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File(child), VhdxCreateOptions.Differencing(directory.File(parent)), cancellationToken)).DisposeAsync();
            await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File(child), new VhdxOpenOptions { ReadOnly = false }, cancellationToken);
            await WriteChainPatternsAsync(disk, model, random, cancellationToken);
        }

        string ours;
        await using (var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("layers/top.avhdx"), null, cancellationToken))
        {
            disk.Files.Count.ShouldBe(3);
            disk.Top.ParentLocator!.RelativePath.ShouldBe(".\\l1.avhdx");
            disk.Files[1].ParentLocator!.RelativePath.ShouldBe("..\\base.vhdx");
            ours = await DiskHash.OfAsync(disk, cancellationToken);
        }

        var libvhdi = await Tools.PyvhdiSha256Async(cancellationToken, directory.File("layers/top.avhdx"), directory.File("layers/l1.avhdx"), directory.File("base.vhdx"));
        var info = await Tools.VhdiinfoAsync(directory.File("layers/top.avhdx"), cancellationToken);

        ours.ShouldBe(DiskHash.Of(model));
        libvhdi.ShouldBe(ours);
        info.ExitCode.ShouldBe(0, info.ToString());
        info.StandardOutput.ShouldContain("Differential", customMessage: info.StandardOutput);
        info.StandardOutput.ShouldContain("l1.avhdx", customMessage: info.StandardOutput);
    }

    [Fact]
    public async Task WriteAsync_IntoChild_CopiesNothingFromParentAndMarksOnlyWrittenSectors()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await using (var parent = await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("p.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), cancellationToken))
        {
            var fill = new byte[4 << 20];
            Array.Fill(fill, (byte)0x77);
            await parent.WriteAsync(0, fill, cancellationToken);
        }

        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("c.avhdx"), VhdxCreateOptions.Differencing(directory.File("p.vhdx")), cancellationToken)).DisposeAsync();
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("c.avhdx"), new VhdxOpenOptions { ReadOnly = false }, cancellationToken);

        await disk.WriteAsync((1 << 20) + 1000, new byte[] { 1, 2, 3 }, cancellationToken);
        await disk.WriteAsync(3L << 20, new byte[4096], cancellationToken);
        var own = await disk.Top.GetAllocationAsync(cancellationToken);
        var chain = await disk.GetAllocationAsync(cancellationToken);
        var sector = new byte[512];
        await disk.ReadAsync((1 << 20) + 512, sector, cancellationToken);

        own.ShouldBe([new VhdxExtent((1 << 20) + 512, 512, VhdxExtentKind.Data), new VhdxExtent(3L << 20, 4096, VhdxExtentKind.Data)]);
        chain.ShouldBe(
        [
            new VhdxChainExtent(0, (1 << 20) + 512, VhdxExtentKind.Data, 1),
            new VhdxChainExtent((1 << 20) + 512, 512, VhdxExtentKind.Data, 0),
            new VhdxChainExtent((1 << 20) + 1024, (3L << 20) - (1 << 20) - 1024, VhdxExtentKind.Data, 1),
            new VhdxChainExtent(3L << 20, 4096, VhdxExtentKind.Data, 0),
            new VhdxChainExtent((3L << 20) + 4096, (1 << 20) - 4096, VhdxExtentKind.Data, 1),
        ]);
        sector.AsSpan(0, 488).ToArray().ShouldAllBe(value => value == 0x77);
        sector.AsSpan(488, 3).ToArray().ShouldBe(new byte[] { 1, 2, 3 });
        sector.AsSpan(491).ToArray().ShouldAllBe(value => value == 0x77);
        disk.Top.FileLength.ShouldBeLessThan(16L << 20);
    }

    [Fact]
    public async Task OpenAsync_ParentMissing_ThrowsParentExceptionMissing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await CreatePairAsync(directory, cancellationToken);
        File.Delete(directory.File("p.vhdx"));

        var exception = await Should.ThrowAsync<VhdxParentException>(async () => await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("c.avhdx"), null, cancellationToken));

        exception.Failure.ShouldBe(VhdxParentFailure.Missing);
    }

    [Fact]
    public async Task OpenAsync_ParentWrittenAfterChildCreated_ThrowsParentExceptionChanged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await CreatePairAsync(directory, cancellationToken);
        await using (var parent = await VhdxFile.OpenAsync(FileStorage.Instance, directory.File("p.vhdx"), new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            await parent.WriteAsync(0, new byte[512], cancellationToken);
        }

        var exception = await Should.ThrowAsync<VhdxParentException>(async () => await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("c.avhdx"), null, cancellationToken));

        exception.Failure.ShouldBe(VhdxParentFailure.Changed);
        exception.ParentPath.ShouldBe(directory.File("p.vhdx"));
    }

    [Fact]
    public async Task OpenAsync_ParentOpenedReadWriteWithoutWrites_KeepsLinkage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await CreatePairAsync(directory, cancellationToken);
        await (await VhdxFile.OpenAsync(FileStorage.Instance, directory.File("p.vhdx"), new VhdxOpenOptions { ReadOnly = false }, cancellationToken)).DisposeAsync();

        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("c.avhdx"), null, cancellationToken);

        disk.Files.Count.ShouldBe(2);
    }

    [Fact]
    public async Task OpenAsync_ChainThatLoops_ThrowsParentExceptionLoop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("P.avhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), cancellationToken)).DisposeAsync();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("X.avhdx"), VhdxCreateOptions.Differencing(directory.File("P.avhdx")), cancellationToken)).DisposeAsync();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("Y.avhdx"), VhdxCreateOptions.Differencing(directory.File("X.avhdx")), cancellationToken)).DisposeAsync();
        Guid parentGuid;
        Guid yGuid;
        await using (var p = await VhdxFile.OpenAsync(FileStorage.Instance, directory.File("P.avhdx"), null, cancellationToken))
        {
            parentGuid = p.DataWriteGuid;
        }

        await using (var y = await VhdxFile.OpenAsync(FileStorage.Instance, directory.File("Y.avhdx"), null, cancellationToken))
        {
            yGuid = y.DataWriteGuid;
        }

        // Point X back at Y: same string lengths, so the locator can be patched in place.
        var bytes = await File.ReadAllBytesAsync(directory.File("X.avhdx"), cancellationToken);
        Replace(bytes, parentGuid.ToString("B"), yGuid.ToString("B"));
        Replace(bytes, ".\\P.avhdx", ".\\Y.avhdx");
        await File.WriteAllBytesAsync(directory.File("X.avhdx"), bytes, cancellationToken);

        var exception = await Should.ThrowAsync<VhdxParentException>(async () => await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("Y.avhdx"), null, cancellationToken));

        exception.Failure.ShouldBe(VhdxParentFailure.Loop);
    }

    [Fact]
    public async Task WriteAsync_UnalignedIntoStandaloneChild_ThrowsBecauseParentDataIsNeeded()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await CreatePairAsync(directory, cancellationToken);
        await using var child = await VhdxFile.OpenAsync(FileStorage.Instance, directory.File("c.avhdx"), new VhdxOpenOptions { ReadOnly = false }, cancellationToken);

        await Should.ThrowAsync<InvalidOperationException>(async () => await child.WriteAsync(10, new byte[5], cancellationToken));
    }

    internal static async Task CreatePairAsync(TempDirectory directory, CancellationToken cancellationToken)
    {
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("p.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), cancellationToken)).DisposeAsync();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("c.avhdx"), VhdxCreateOptions.Differencing(directory.File("p.vhdx")), cancellationToken)).DisposeAsync();
    }

    private static async Task WriteChainPatternsAsync(VhdxDisk disk, byte[] model, Random random, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 16; i++)
        {
            var length = random.Next(1, 3 << 20);
            var offset = random.NextInt64(0, model.LongLength - length);
            var data = new byte[length];
            if (i % 4 != 0)
            {
                random.NextBytes(data);
            }

            await disk.WriteAsync(offset, data, cancellationToken);
            data.CopyTo(model, offset);
        }
    }

    private static void Replace(byte[] bytes, string from, string to)
    {
        var pattern = System.Text.Encoding.Unicode.GetBytes(from);
        var replacement = System.Text.Encoding.Unicode.GetBytes(to);
        var index = bytes.AsSpan().IndexOf(pattern);
        index.ShouldBeGreaterThanOrEqualTo(0, $"'{from}' not found");
        replacement.CopyTo(bytes, index);
    }
}
