using Broker.Testing.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>The 8 and 10 GiB fixtures: whole-disk SHA-256 equal to the recorded raw SHA-256 (a class of its own so it runs beside the others).</summary>
public sealed class LargeFixtureTests
{
    public static TheoryData<string, string> RawHashes => new()
    {
        { "iotest-dirtylog-10G-4M.vhdx", "179cefe8b0587f123393eedf2aa7aa8d25798591178e6bc3950a09762f38f96f" },
        { "swap.vhdx", "60dd30b4c74361427d1089510cabb36e2eeda0cc4747f467ea43173acd358c49" },
        { "xfs.vhdx", "8ca2bd2d91f1c6ada47128fc2f8d38587e73954ede5a664fe2bb09c19606060e" },
        { "lvm2.vhdx", "f7dc6812a3b12a35f3ec895ce981bd59ff4558270fc80cd812c9cd522bff1295" },
        { FixtureTests.ParentName, "3c5c72ad6d6f13ae4c700a974265d3392924d92103ab75cc63fa96df1b7f0a75" },
    };

    [Theory]
    [MemberData(nameof(RawHashes))]
    public async Task ReadAsync_WholeLargeFixture_EqualsRecordedRawSha256(string name, string expected)
    {
        var path = await VhdxFixtures.GetAsync(name);
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);

        var actual = await DiskHash.OfAsync(disk, TestContext.Current.CancellationToken);

        actual.ShouldBe(expected);
    }
}
