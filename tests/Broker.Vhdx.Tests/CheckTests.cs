using Broker.Testing;
using Broker.Testing.Vhdx;
using Broker.Vhdx.Format;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

public sealed class CheckTests
{
    public static TheoryData<string, bool> Fixtures => new()
    {
        { "iotest-dynamic-1G.vhdx", false },
        { "iotest-dirtylog-10G-4M.vhdx", true },
        { "test-disk2vhd.vhdx", false },
        { "vhdx-log-replay.vhdx", true },
        { "swap.vhdx", false },
        { "xfs.vhdx", false },
        { "lvm2.vhdx", false },
        { "dissect-dynamic.vhdx", false },
        { "dissect-fixed.vhdx", false },
        { FixtureTests.ChildName, false },
        { FixtureTests.ParentName, false },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task CheckAsync_Fixture_ReportsOnlyADirtyLog(string name, bool dirty)
    {
        var path = await VhdxFixtures.GetAsync(name);

        var result = await VhdxFile.CheckAsync(FileStorage.Instance, path, TestContext.Current.CancellationToken);

        result.Problems.Select(problem => problem.Structure).ShouldBe(dirty ? ["log"] : [], string.Join("\n", result.Problems));
        result.HasCorruptions.ShouldBe(dirty);
    }

    [Fact]
    public async Task CheckAsync_FileWeWrote_IsCleanWithoutLeaks()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await DifferencingTests.CreatePairAsync(directory, cancellationToken);
        await using (var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("c.avhdx"), new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            await disk.WriteAsync(12345, new byte[70000], cancellationToken);
        }

        var child = await VhdxFile.CheckAsync(FileStorage.Instance, directory.File("c.avhdx"), cancellationToken);
        var parent = await VhdxFile.CheckAsync(FileStorage.Instance, directory.File("p.vhdx"), cancellationToken);

        child.IsClean.ShouldBeTrue(string.Join("\n", child.Problems));
        child.LeakedBytes.ShouldBe(0);
        parent.IsClean.ShouldBeTrue(string.Join("\n", parent.Problems));
    }

    [Fact]
    public async Task CheckAsync_SpaceBeyondEveryBlock_CountsItAsLeaked()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("leak.vhdx");
        await (await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(8 << 20, 1 << 20), cancellationToken)).DisposeAsync();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length + (2 << 20));
        }

        var result = await VhdxFile.CheckAsync(FileStorage.Instance, path, cancellationToken);

        result.IsClean.ShouldBeTrue();
        result.LeakedBytes.ShouldBe(2 << 20);
    }

    [Fact]
    public async Task CheckAsync_SecondRegionTableDamaged_ReportsCorruption()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("rt2.vhdx");
        await (await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(8 << 20, 1 << 20), cancellationToken)).DisposeAsync();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = VhdxLayout.RegionTable2Offset + 30;
            stream.WriteByte(0x42);
        }

        var result = await VhdxFile.CheckAsync(FileStorage.Instance, path, cancellationToken);

        result.HasCorruptions.ShouldBeTrue();
        result.Problems.ShouldHaveSingleItem().FileOffset.ShouldBe(VhdxLayout.RegionTable2Offset);
    }

    [Fact]
    public async Task CheckAsync_BatEntryBeyondEndOfFile_ReportsCorruptionInsteadOfThrowing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("eof.vhdx");
        await (await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(8 << 20, 1 << 20), cancellationToken)).DisposeAsync();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 3 << 20;
            var entry = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(entry, BatEntry.Make(100L << 20, BatEntry.FullyPresent));
            await stream.WriteAsync(entry, cancellationToken);
        }

        var result = await VhdxFile.CheckAsync(FileStorage.Instance, path, cancellationToken);

        result.Problems.ShouldHaveSingleItem().Structure.ShouldBe("BAT entry");
        result.HasCorruptions.ShouldBeTrue();
    }
}
