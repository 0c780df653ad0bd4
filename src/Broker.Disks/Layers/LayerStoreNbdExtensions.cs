using Broker.Nbd;

namespace Broker.Disks.Layers;

/// <summary>Layer store operations under a running NBD export.</summary>
public static class LayerStoreNbdExtensions
{
    /// <summary>
    /// Seals the store's top while <paramref name="server"/> serves its live device as
    /// <paramref name="exportName"/>: the export is quiesced (requests wait, none fails), the seal
    /// flushes and closes the old top, the new live device replaces it, and the export resumes.
    /// Requests acknowledged before the seal are in the sealed layer; later ones go to the new top.
    /// </summary>
    /// <exception cref="InvalidOperationException">The export does not serve the store's live device.</exception>
    public static async Task<LayerRecord> SealServedAsync(this LayerStore store, NbdServer server, string exportName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(server);
        var pause = await server.QuiesceAsync(exportName, cancellationToken).ConfigureAwait(false);
        await using (pause.ConfigureAwait(false))
        {
            var before = store.LiveDevice;
            if (before is null || !ReferenceEquals(pause.Device, before))
            {
                throw new InvalidOperationException($"Export '{exportName}' does not serve the layer store's live device.");
            }

            try
            {
                return await store.SealAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // On success the new top; on a failure before the commit the reopened old top.
                if (store.LiveDevice is { } now && !ReferenceEquals(now, before))
                {
                    pause.ReplaceDevice(now);
                }
            }
        }
    }
}
