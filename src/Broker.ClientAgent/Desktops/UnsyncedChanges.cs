using Broker.Disks.Layers;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Desktops;

/// <summary>A stopped local copy's changes the host never acknowledged, gathered into one sealed layer (revoke).</summary>
internal static class UnsyncedChanges
{
    /// <summary>Seals the top when it holds writes; an empty top stays as it is.</summary>
    public static async Task SealWrittenTopAsync(this LayerStore store, CancellationToken cancellationToken)
    {
        if (await store.PresentBytesAsync(store.Manifest.Top, cancellationToken).ConfigureAwait(false) > 0)
        {
            _ = await store.SealAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The sealed layers of the current chain that are not in <paramref name="hostLayers"/> as one
    /// layer: the only one, or the merge of all of them (its parent is the last layer the host holds);
    /// null when there are none. Merging again after a crash finds the merged layer alone.
    /// </summary>
    public static async Task<LayerRecord?> FoldUnsyncedAsync(this LayerStore store, IReadOnlyCollection<long> hostLayers, CancellationToken cancellationToken)
    {
        var unsynced = store.Manifest.CurrentChain().Where(layer => !hostLayers.Contains(layer.Id)).ToList();
        return unsynced.Count switch
        {
            0 => null,
            1 => unsynced[0],
            _ => await store.MergeAsync(unsynced[0].Id, unsynced[^1].Id, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Bytes <paramref name="layer"/>'s file holds itself (present data and zero extents).</summary>
    public static async Task<long> PresentBytesAsync(this LayerStore store, LayerRecord layer, CancellationToken cancellationToken)
    {
        var file = await VhdxFile.OpenAsync(FileStorage.Instance, store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            return (await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false)).Sum(extent => extent.Length);
        }
    }
}
