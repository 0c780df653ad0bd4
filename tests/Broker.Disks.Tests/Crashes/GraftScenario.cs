using System.Globalization;
using Broker.Disks.Layers;
using Broker.Vhdx;

namespace Broker.Disks.Tests.Crashes;

/// <summary>
/// Promotion of a quarantined layer built on the oldest of two sealed layers: afterwards the chain
/// reads that layer's snapshot with the quarantined writes over it, the old top is a sealed branch,
/// and the quarantined file is untouched either way.
/// </summary>
internal sealed class GraftScenario() : LayerScenario(seals: 2, writeTop: true)
{
    private const long QuarantinedId = 100;
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset SealedAt = CreatedAt.AddMinutes(30);

    private string _quarantine = string.Empty;
    private byte[] _grafted = [];
    private byte[] _quarantinedFile = [];

    protected override async Task<IReadOnlyList<string>> PrepareOperationAsync(CancellationToken cancellationToken)
    {
        _quarantine = Path.Combine(Path.GetDirectoryName(Layers)!, "quarantine");
        _grafted = (byte[])Snapshots[0].Clone();
        await using (var store = await LayerStore.OpenAsync(Storage, Layers, null, cancellationToken))
        await using (var quarantine = await LayerQuarantine.OpenAsync(Storage, _quarantine, null, cancellationToken))
        {
            var staged = quarantine.StagingPathOf("push.avhdx");
            await using (var file = await VhdxFile.CreateAsync(Storage, staged, VhdxCreateOptions.Differencing(store.SealedPathOf(SealedIds[0])!), cancellationToken))
            {
                foreach (var (offset, data) in SeededWrites(4))
                {
                    await file.WriteAsync(offset, data, cancellationToken);
                    data.CopyTo(_grafted, offset);
                }

                await file.FlushAsync(cancellationToken);
            }

            var layer = await quarantine.AddAsync(store, staged, new QuarantineArrival(QuarantinedId, SealedIds[0], CreatedAt, SealedAt, 1, "revoked-device"), cancellationToken);
            _quarantinedFile = await File.ReadAllBytesAsync(quarantine.PathOf(layer), cancellationToken);
        }

        return ["graft", Layers, _quarantine, QuarantinedId.ToString(CultureInfo.InvariantCulture)];
    }

    protected override byte[] ContentAfterwards(bool committed) => committed ? _grafted : Current;

    protected override async Task VerifyManifestAsync(LayerStore store, bool committed, CancellationToken cancellationToken)
    {
        store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe(committed ? [SealedIds[0], QuarantinedId] : SealedIds);
        store.Manifest.Layers.Count.ShouldBe(committed ? 4 : 2);
        await using var quarantine = await LayerQuarantine.OpenAsync(Storage, _quarantine, null, cancellationToken);
        var layer = quarantine.Find(QuarantinedId).ShouldNotBeNull();
        (store.FindGraft(layer) is not null).ShouldBe(committed);
        (await File.ReadAllBytesAsync(quarantine.PathOf(layer), cancellationToken)).ShouldBe(_quarantinedFile, "the quarantined file changed");
    }
}
