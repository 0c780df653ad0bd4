using Broker.Testing.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>
/// Every fixture up to 1 GiB opens and reads (through its chain) equal to its recorded raw SHA-256;
/// <see cref="LargeFixtureTests"/> covers the 8 and 10 GiB ones.
/// </summary>
public sealed class FixtureTests
{
    public static TheoryData<string, string> RawHashes => new()
    {
        { "iotest-dynamic-1G.vhdx", "d3d112d8dab7fd360609f7d5a7b769904b7a2a7d7b6b8c535f65a23293c05478" },
        { "test-disk2vhd.vhdx", "96d964042be9b58dda1725567abfb0cf9fd8380e2118754afa979c2ad445938a" },
        { "vhdx-log-replay.vhdx", "3ba3b309425b7ff5e8e0199edceed95226250f880c53b24e8eae93865f3fad5e" },
        { "dissect-dynamic.vhdx", "8e2b5e9265d694b42b81819e3bff29770eff4ed0f4f9f311693ff3dbdc93efac" },
        { "dissect-fixed.vhdx", "bc0be4623b15aa84216fb31ba24e3b621ec7f1c72d198c990ac0eced222d9f62" },
    };

    internal const string ParentName = "Generation 1_49C4BAF3-4B25-4406-8C4B-D39E65C32385.avhdx";
    internal const string ChildName = "dissect-differencing.avhdx";

    [Theory]
    [MemberData(nameof(RawHashes))]
    public async Task ReadAsync_WholeFixture_EqualsRecordedRawSha256(string name, string expected)
    {
        var path = await VhdxFixtures.GetAsync(name);
        var before = new FileInfo(path).LastWriteTimeUtc;
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);

        var actual = await DiskHash.OfAsync(disk, TestContext.Current.CancellationToken);

        actual.ShouldBe(expected);
        new FileInfo(path).LastWriteTimeUtc.ShouldBe(before);
    }

    [Fact]
    public async Task OpenAsync_HyperVChildOverSyntheticParent_ReadsRecordedChainContent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var child = await VhdxFixtures.GetAsync(ChildName);
        await VhdxFixtures.GetAsync(ParentName);
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, child, null, cancellationToken);
        var first = new byte[0x100000];
        var childSectors = new byte[4096];

        await disk.ReadAsync(0, first, cancellationToken);
        await disk.ReadAsync(0x100000, childSectors, cancellationToken);
        var whole = await DiskHash.OfAsync(disk, cancellationToken);

        disk.Files.Count.ShouldBe(2);
        disk.Top.DiskType.ShouldBe(VhdxDiskType.Differencing);
        disk.Top.ParentLocator!.ParentLinkage.ShouldBe(new Guid("ff34003b-11ed-4cf8-a166-b2be05e20b80"));
        first.ShouldAllBe(value => value == 0x5A);
        DiskHash.Of(childSectors).ShouldBe("52f60b3174f877e48e1cbfd3059e458f04c98c13657b00c44cbb7c1f3f4cc62d");
        whole.ShouldBe("701e8d6f3e7e01db8a7ef5fb73e3852e701c4f2f2896ca256f565618d222c5c9");
    }

    [Fact]
    public async Task OpenAsync_DissectFixed_ReportsHyperVMetadata()
    {
        var path = await VhdxFixtures.GetAsync("dissect-fixed.vhdx");

        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);

        file.DiskType.ShouldBe(VhdxDiskType.Fixed);
        file.VirtualSize.ShouldBe(10L << 20);
        file.BlockSize.ShouldBe(2 << 20);
        file.LogicalSectorSize.ShouldBe(512);
        file.PhysicalSectorSize.ShouldBe(4096);
        file.VirtualDiskId.ShouldBe(new Guid("4a49d245-db0a-4634-9818-9f93db5ba6c1"));
        file.DataWriteGuid.ShouldBe(new Guid("bfc189a1-751c-44ff-b60f-98d07b2950c0"));
    }

    [Fact]
    public async Task ReadAsync_UnalignedRangesOfDissectDynamic_MatchAlignedRead()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = await VhdxFixtures.GetAsync("dissect-dynamic.vhdx");
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, cancellationToken);
        var whole = new byte[file.VirtualSize];
        await file.ReadAsync(0, whole, cancellationToken);
        var random = new Random(7);

        for (var i = 0; i < 200; i++)
        {
            var offset = random.NextInt64(file.VirtualSize - 1);
            var length = (int)Math.Min(random.Next(1, 70000), file.VirtualSize - offset);
            var part = new byte[length];
            await file.ReadAsync(offset, part, cancellationToken);
            part.AsSpan().SequenceEqual(whole.AsSpan((int)offset, length)).ShouldBeTrue($"offset {offset} length {length}");
        }

        whole.AsSpan(0, 7).ToArray().ShouldBe(new byte[] { 0x33, 0xC0, 0x8E, 0xD0, 0xBC, 0x00, 0x7C });
        whole.AsSpan(0x200000, 512).ToArray().ShouldAllBe(value => value == 0xFF);
    }

    [Fact]
    public async Task ReadAsync_DifferencingChildAlone_ReadsOnlyItsOwnSectors()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = await VhdxFixtures.GetAsync(ChildName);
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, cancellationToken);
        var first = new byte[0x100000];

        await file.ReadAsync(0, first, cancellationToken);

        first.ShouldAllBe(value => value == 0);
    }
}
