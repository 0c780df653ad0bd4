using Broker.Disks.Chains;
using Broker.Vhdx;

namespace Broker.Disks.Tests.Chains;

public sealed class WrittenRangesTests
{
    [Fact]
    public void ToExtents_UnalignedOverlappingAndAdjacentWrites_WholeSectorsMergedInOffsetOrder()
    {
        var written = new WrittenRanges(512);
        written.Add(10_000, 100); // sector 19
        written.Add(1000, 2000); // sectors 1 … 5
        written.Add(3072, 512); // sector 6, adjacent to the last
        written.Add(1500, 10); // inside the second

        written.ToExtents().ShouldBe(
        [
            new VhdxExtent(512, 3072, VhdxExtentKind.Data),
            new VhdxExtent(9728, 512, VhdxExtentKind.Data),
        ]);
    }

    [Fact]
    public void Add_ManyRepeatedWrites_KeepsEveryDistinctRange()
    {
        var written = new WrittenRanges(4096);
        for (var round = 0; round < 5; round++)
        {
            for (var block = 0; block < 1000; block++)
            {
                written.Add(block * 2L * 4096, 4096);
            }
        }

        var extents = written.ToExtents();

        extents.Count.ShouldBe(1000);
        extents.ShouldAllBe(extent => extent.Length == 4096 && extent.Offset % 8192 == 0);
    }
}
