using Broker.Disks.Layers;
using Broker.Disks.Tests.Layers;

namespace Broker.Disks.Tests.Crashes;

/// <summary>Seal through the live device of a chain with two sealed layers: afterwards a third holds the top's content.</summary>
internal sealed class SealScenario() : LayerScenario(seals: 2, writeTop: true)
{
    protected override Task<IReadOnlyList<string>> PrepareOperationAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["seal", Layers]);

    protected override async Task VerifyManifestAsync(LayerStore store, bool committed, CancellationToken cancellationToken)
    {
        var chain = store.Manifest.CurrentChain();
        chain.Select(layer => layer.Id).Take(2).ShouldBe(SealedIds);
        chain.Count.ShouldBe(committed ? 3 : 2);
        ShouldEqualModel(await ChainTestData.ReadSnapshotAsync(store, chain[^1].Id, cancellationToken), committed ? Current : Snapshots[^1], "newest snapshot");
    }
}
