using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Transfer.Client;
using HostChain = Broker.Contracts.V1.ChainManifest;
using LocalChain = Broker.Disks.Layers.ChainManifest;

namespace Broker.Transfer.Tests.Client;

/// <summary>
/// The resync comparison on manifests alone, above all the trap of a client that merged acknowledged
/// layers locally: its merged layer has a new id and the layer above it a new parent, yet nothing diverged.
/// </summary>
public sealed class ChainComparisonTests
{
    private const string Base = "b1";
    private static readonly DateTimeOffset Made = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Compare_LocalMergeOfAcknowledgedLayers_IsNotDiverged_AndPullsOnlyTheHostsNewLayer()
    {
        // The host holds 1..4; the client merged 1..3 into 7 and rebuilt 4 over it.
        var host = Host((1, null, "h1"), (2, 1, "h2"), (3, 2, "h3"), (4, 3, "h4"), (5, 4, "h5"));
        var local = Local((7, null, "merged"), (4, 7, "h4"));

        var unaware = ChainComparison.Compare(local, host);
        var comparison = ChainComparison.Compare(local, host, new Dictionary<long, IReadOnlyList<long>> { [7] = [1, 2, 3] });

        unaware.Diverged.ShouldBeTrue("without the merge record the chains share nothing");
        comparison.Diverged.ShouldBeFalse();
        comparison.LastCommonLayerId.ShouldBe(4);
        comparison.ToPull.Select(layer => layer.LayerId).ShouldBe(["5"]);
        comparison.LocalOnly.ShouldBeEmpty();
    }

    [Fact]
    public void Compare_LocalMergeAndUnsyncedLocalLayer_IsAheadNotDiverged()
    {
        var host = Host((1, null, "h1"), (2, 1, "h2"), (3, 2, "h3"));
        var local = Local((9, null, "merged"), (3, 9, "h3"), (10, 3, "mine"));

        var comparison = ChainComparison.Compare(local, host, new Dictionary<long, IReadOnlyList<long>> { [9] = [1, 2] });

        comparison.Diverged.ShouldBeFalse();
        comparison.ToPull.ShouldBeEmpty();
        comparison.LocalOnly.Select(layer => layer.Id).ShouldBe([10]);
    }

    [Fact]
    public void Compare_HostReplacedALayerTheMergeCovers_IsDivergedAtTheBase()
    {
        // The host rolled back past 2 and sealed 6 instead: the merged layer no longer matches.
        var host = Host((1, null, "h1"), (6, 1, "h6"));
        var local = Local((7, null, "merged"), (8, 7, "mine"));

        var comparison = ChainComparison.Compare(local, host, new Dictionary<long, IReadOnlyList<long>> { [7] = [1, 2] });

        comparison.Diverged.ShouldBeTrue();
        comparison.LastCommonLayerId.ShouldBeNull();
        comparison.LocalOnly.Select(layer => layer.Id).ShouldBe([7, 8]);
        comparison.ToPull.Select(layer => layer.LayerId).ShouldBe(["1", "6"]);
    }

    [Fact]
    public void Compare_SameIdOtherContent_PartsThere()
    {
        var host = Host((1, null, "h1"), (2, 1, "theirs"));
        var local = Local((1, null, "h1"), (2, 1, "mine"));

        var comparison = ChainComparison.Compare(local, host);

        comparison.Diverged.ShouldBeTrue();
        comparison.LastCommonLayerId.ShouldBe(1);
    }

    private static HostChain Host(params (long Id, long? Parent, string Hash)[] layers)
    {
        var chain = new HostChain { Base = new BaseImageInfo { ContentAddress = Base } };
        chain.Layers.AddRange(layers.Select(layer => new LayerInfo { LayerId = LayerIds.Format(layer.Id), ParentLayerId = LayerIds.Format(layer.Parent), ContentSha256 = layer.Hash }));
        return chain;
    }

    private static LocalChain Local(params (long Id, long? Parent, string Hash)[] layers)
    {
        var sealedLayers = layers.Select(layer => new LayerRecord(layer.Id, layer.Parent, $"L-{layer.Id}.avhdx", Made, Made, layer.Hash)).ToList();
        var topId = layers.Max(layer => layer.Id) + 1;
        return new LocalChain
        {
            BaseAddress = Base,
            BasePath = "/bases/b1.vhdx",
            VirtualSize = 1 << 20,
            LogicalSectorSize = 512,
            Epoch = 1,
            NextSerial = topId + 1,
            Layers = sealedLayers,
            Top = new LayerRecord(topId, layers[^1].Id, $"L-{topId}.avhdx", Made, null, null),
        };
    }
}
