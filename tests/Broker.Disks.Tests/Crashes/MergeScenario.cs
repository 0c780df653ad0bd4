using System.Globalization;
using Broker.Disks.Layers;
using Broker.Disks.Tests.Layers;

namespace Broker.Disks.Tests.Crashes;

/// <summary>
/// Merge of the two oldest of three sealed layers: the third and the top are rebuilt over the
/// merged layer; when <c>served</c>, under an export of the live device (everything built before
/// the pause).
/// </summary>
internal sealed class MergeScenario(bool served) : LayerScenario(seals: 3, writeTop: true)
{
    protected override Task<IReadOnlyList<string>> PrepareOperationAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([served ? "merge-served" : "merge", Layers, Id(SealedIds[0]), Id(SealedIds[1])]);

    protected override async Task VerifyManifestAsync(LayerStore store, bool committed, CancellationToken cancellationToken)
    {
        var chain = store.Manifest.CurrentChain();
        chain.Count.ShouldBe(committed ? 2 : 3);
        chain[^1].Id.ShouldBe(SealedIds[2]);
        ShouldEqualModel(await ChainTestData.ReadSnapshotAsync(store, chain[^1].Id, cancellationToken), Snapshots[2], "newest snapshot");
        ShouldEqualModel(await ChainTestData.ReadSnapshotAsync(store, chain[^2].Id, cancellationToken), Snapshots[1], "merged (or second) snapshot");
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
