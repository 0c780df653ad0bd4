using System.Globalization;
using Broker.Disks.Layers;
using Broker.Vhdx;

namespace Broker.Disks.Tests.Crashes;

/// <summary>Adoption of a staged layer (as a pull writes it) over the newest of two sealed layers, under an empty top.</summary>
internal sealed class AdoptScenario() : LayerScenario(seals: 2, writeTop: false)
{
    private const long AdoptedId = 100;
    private byte[] _adopted = [];

    protected override async Task<IReadOnlyList<string>> PrepareOperationAsync(CancellationToken cancellationToken)
    {
        string staged;
        string parent;
        await using (var store = await LayerStore.OpenAsync(Storage, Layers, null, cancellationToken))
        {
            staged = store.StagingPathOf("pulled.avhdx");
            parent = store.AdoptionParentPath;
        }

        _adopted = (byte[])Current.Clone();
        await using (var file = await VhdxFile.CreateAsync(Storage, staged, VhdxCreateOptions.Differencing(parent), cancellationToken))
        {
            foreach (var (offset, data) in SeededWrites(4))
            {
                await file.WriteAsync(offset, data, cancellationToken);
                data.CopyTo(_adopted, offset);
            }

            await file.FlushAsync(cancellationToken);
        }

        return ["adopt", Layers, staged, AdoptedId.ToString(CultureInfo.InvariantCulture), SealedIds[^1].ToString(CultureInfo.InvariantCulture)];
    }

    protected override byte[] ContentAfterwards(bool committed) => committed ? _adopted : Current;

    protected override Task VerifyManifestAsync(LayerStore store, bool committed, CancellationToken cancellationToken)
    {
        store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe(committed ? [.. SealedIds, AdoptedId] : SealedIds);
        return Task.CompletedTask;
    }
}
