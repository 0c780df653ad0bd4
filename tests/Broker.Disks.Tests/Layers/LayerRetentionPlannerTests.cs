using Broker.Disks.Layers;

namespace Broker.Disks.Tests.Layers;

/// <summary>Tables of layer seal times → the merges retention plans (design §9).</summary>
public sealed class LayerRetentionPlannerTests
{
    // A Thursday; the week began on Monday 2026-11-23.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 30, 0, TimeSpan.Zero);

    private static readonly HashSet<long> NothingPinned = [];

    public static TheoryData<string, LayerRetention, string, string> Tables => new()
    {
        // name, retention, layers as "id@minutes-before-now" (base side first), expected merges "lower-upper" newest first
        { "empty chain", new(24, 7, 4), "", "" },
        { "one layer is the newest", new(0, 0, 0), "1@600", "" },
        { "no retention keeps only the newest", new(0, 0, 0), "1@300,2@200,3@100", "1-3" },
        { "hourly keeps the newest of each hour", new(3, 0, 0), "1@100,2@95,3@70,4@40,5@35,6@5", "3-5,1-2" },
        { "hourly window ends", new(2, 0, 0), "1@200,2@150,3@40,4@10", "1-3" },
        { "a run between kept layers", new(1, 2, 0), "1@2000,2@100,3@50,4@10", "2-4" },
        { "daily keeps the newest of each day", new(0, 3, 0), "1@3000,2@2900,3@1500,4@1400,5@200", "3-4,1-2" },
        { "weekly keeps the newest of each week", new(0, 0, 2), "1@20000,2@15000,3@12000,4@60", "1-3" },
        { "periods combine", new(1, 2, 0), "1@1500,2@1450,3@120,4@20,5@5", "3-5,1-2" },
        { "a layer sealed after now is kept", new(0, 0, 0), "1@300,2@-30,3@-20", "1-2" },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Plan_MergesEachExpiredRunIntoTheKeptLayerAbove(string name, LayerRetention retention, string layers, string expected)
    {
        _ = name;
        var merges = LayerRetentionPlanner.Plan(Chain(layers), retention, NothingPinned, Now);

        Format(merges).ShouldBe(expected);
    }

    [Fact]
    public void Plan_NothingAtOrBelowAPinnedLayerIsMerged()
    {
        var chain = Chain("1@500,2@400,3@300,4@200,5@100,6@10");

        var merges = LayerRetentionPlanner.Plan(chain, new LayerRetention(0, 0, 0), new HashSet<long> { 3 }, Now);

        Format(merges).ShouldBe("4-6");
    }

    [Fact]
    public void Plan_APinnedNewestLayerFreezesTheWholeChain()
    {
        var merges = LayerRetentionPlanner.Plan(Chain("1@500,2@400,3@10"), new LayerRetention(0, 0, 0), new HashSet<long> { 3 }, Now);

        merges.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_WeeksStartOnMonday()
    {
        // Sunday evening and Monday morning are different weeks; two Monday layers are one.
        var sunday = Now - new DateTimeOffset(2026, 11, 22, 20, 0, 0, TimeSpan.Zero);
        var monday = Now - new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var chain = Chain($"1@{(int)sunday.TotalMinutes},2@{(int)monday.TotalMinutes},3@{(int)monday.TotalMinutes - 60}");

        var merges = LayerRetentionPlanner.Plan(chain, new LayerRetention(0, 0, 2), NothingPinned, Now);

        Format(merges).ShouldBe("2-3");
    }

    private static List<LayerRecord> Chain(string layers)
    {
        var chain = new List<LayerRecord>();
        foreach (var entry in layers.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('@');
            var id = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var sealedAt = Now.AddMinutes(-int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            chain.Add(new LayerRecord(id, chain.Count == 0 ? null : chain[^1].Id, $"L-{id}.avhdx", sealedAt.AddMinutes(-1), sealedAt, "00"));
        }

        return chain;
    }

    private static string Format(IReadOnlyList<LayerMerge> merges) =>
        string.Join(',', merges.Select(merge => $"{merge.LowerId}-{merge.UpperId}"));
}
