using System.Globalization;
using Broker.Disks.Layers;

namespace Broker.Disks.Tests.Crashes;

/// <summary>Restore to the oldest of two sealed layers: afterwards the chain reads that snapshot and the old top is a sealed branch.</summary>
internal sealed class RestoreScenario() : LayerScenario(seals: 2, writeTop: true)
{
    protected override Task<IReadOnlyList<string>> PrepareOperationAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["restore", Layers, SealedIds[0].ToString(CultureInfo.InvariantCulture)]);

    protected override byte[] ContentAfterwards(bool committed) => committed ? Snapshots[0] : Current;

    protected override Task VerifyManifestAsync(LayerStore store, bool committed, CancellationToken cancellationToken)
    {
        store.Manifest.Layers.Count.ShouldBe(committed ? 3 : 2);
        store.Manifest.Top.ParentId.ShouldBe(committed ? SealedIds[0] : SealedIds[1]);
        return Task.CompletedTask;
    }
}
