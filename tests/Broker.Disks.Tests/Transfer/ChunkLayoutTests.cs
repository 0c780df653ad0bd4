using Broker.Disks.Transfer;
using CsCheck;

namespace Broker.Disks.Tests.Transfer;

public sealed class ChunkLayoutTests
{
    private const int MiB = ChunkLayout.MaxChunkLength;

    // Extents as (gap before, length) in sectors, so they are ordered and aligned by construction;
    // a zero gap makes touching extents. Lengths reach past 1 MiB at both sector sizes.
    private static readonly Gen<(int SectorSize, PresentExtent[] Extents)> Layouts =
        Gen.Select(Gen.Int[0, 1].Select(i => i == 0 ? 512 : 4096), Gen.Select(Gen.Int[0, 3000], Gen.Int[1, 5000]).Array[0, 25], Gen.Long[0, 1L << 20])
            .Select(t =>
            {
                var (sectorSize, pieces, startSectors) = t;
                var extents = new PresentExtent[pieces.Length];
                var offset = startSectors * sectorSize;
                for (var i = 0; i < pieces.Length; i++)
                {
                    offset += (long)pieces[i].Item1 * sectorSize;
                    extents[i] = new PresentExtent(offset, (long)pieces[i].Item2 * sectorSize);
                    offset += extents[i].Length;
                }

                return (sectorSize, extents);
            });

    [Fact]
    public void Cut_RandomExtents_ChunksCoverExactlyThePresentBytes()
    {
        Layouts.Sample(layout =>
        {
            var chunks = ChunkLayout.Cut(layout.Extents, layout.SectorSize).ToList();

            Coalesce(chunks.Select(c => (c.Offset, c.End))).ShouldBe(Coalesce(layout.Extents.Select(e => (e.Offset, e.End))));
            chunks.Zip(chunks.Skip(1)).All(pair => pair.First.End <= pair.Second.Offset).ShouldBeTrue("chunks ascend without overlap");
        }, iter: 300);
    }

    [Fact]
    public void Cut_RandomExtents_ChunksAreBoundedAlignedAndInsideOneRun()
    {
        Layouts.Sample(layout =>
        {
            var runs = Coalesce(layout.Extents.Select(e => (e.Offset, e.End)));

            foreach (var chunk in ChunkLayout.Cut(layout.Extents, layout.SectorSize))
            {
                chunk.Length.ShouldBeInRange(1, MiB);
                (chunk.Offset % layout.SectorSize).ShouldBe(0);
                (chunk.Length % layout.SectorSize).ShouldBe(0);
                (chunk.Offset / MiB).ShouldBe((chunk.End - 1) / MiB, "a chunk never crosses a 1 MiB boundary");
                runs.Any(run => run.Start <= chunk.Offset && chunk.End <= run.End).ShouldBeTrue($"chunk {chunk} crosses a gap");
            }
        }, iter: 300);
    }

    [Fact]
    public void Cut_SamePresenceSplitDifferently_GivesTheSameChunks()
    {
        Gen.Select(Layouts, Gen.Int[1, 8]).Sample(t =>
        {
            var ((sectorSize, extents), pieces) = t;
            var split = extents.SelectMany(e => Split(e, pieces, sectorSize)).ToArray();

            var first = ChunkLayout.Cut(extents, sectorSize).ToList();
            var again = ChunkLayout.Cut(extents, sectorSize).ToList();
            var fromSplit = ChunkLayout.Cut(split, sectorSize).ToList();

            again.ShouldBe(first);
            fromSplit.ShouldBe(first);
        }, iter: 200);
    }

    [Fact]
    public void Cut_ExtentsAcrossTheGrid_CutsAtMegabyteMultiples()
    {
        PresentExtent[] extents = [new(4096, 3 * MiB), new((4 * MiB) + 512, 512)];

        var chunks = ChunkLayout.Cut(extents, 512).ToList();

        chunks.ShouldBe(
        [
            new ChunkSpan(4096, MiB - 4096),
            new ChunkSpan(MiB, MiB),
            new ChunkSpan(2 * MiB, MiB),
            new ChunkSpan(3 * MiB, 4096),
            new ChunkSpan((4 * MiB) + 512, 512),
        ]);
    }

    [Fact]
    public void Cut_NoExtents_GivesNoChunks()
    {
        ChunkLayout.Cut([], 512).ShouldBeEmpty();
    }

    public static TheoryData<long, long, long, long> BadPairs => new()
    {
        { 1000, 512, 0, 512 },
        { 0, 1000, 4096, 512 },
        { 4096, 512, 0, 512 },
        { 0, 1024, 512, 512 },
        { 0, 0, 512, 512 },
        { -512, 512, 512, 512 },
        { 0, 512, long.MaxValue - 511, 1024 },
    };

    [Theory]
    [MemberData(nameof(BadPairs))]
    public void Cut_UnalignedUnorderedOverlappingOrEmpty_Throws(long offset1, long length1, long offset2, long length2)
    {
        PresentExtent[] extents = [new(offset1, length1), new(offset2, length2)];

        Should.Throw<ArgumentException>(() => ChunkLayout.Cut(extents, 512).ToList());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(1000)]
    [InlineData(2 * MiB)]
    public void Cut_BadSectorSize_Throws(int sectorSize)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => ChunkLayout.Cut([], sectorSize));
    }

    private static List<(long Start, long End)> Coalesce(IEnumerable<(long Start, long End)> ranges)
    {
        var result = new List<(long Start, long End)>();
        foreach (var range in ranges)
        {
            if (result.Count > 0 && result[^1].End == range.Start)
            {
                result[^1] = (result[^1].Start, range.End);
            }
            else
            {
                result.Add(range);
            }
        }

        return result;
    }

    private static IEnumerable<PresentExtent> Split(PresentExtent extent, int pieces, int sectorSize)
    {
        var sectors = extent.Length / sectorSize;
        var step = Math.Max(1, sectors / pieces);
        for (var start = 0L; start < sectors; start += step)
        {
            yield return new PresentExtent(extent.Offset + (start * sectorSize), Math.Min(step, sectors - start) * sectorSize);
        }
    }
}
