using Broker.Nbd;

namespace Broker.Disks.Layers;

/// <summary>Layer store changes under a running NBD export.</summary>
/// <remarks>
/// Every change (seal, merge) closes the live device and opens a new one over the new top file, so
/// an export serving the live device must not run a request in between: the export is quiesced
/// (requests wait, none fails), the change runs, the new live device replaces the old one, and the
/// export resumes. Requests acknowledged before the change are in the chain it saw; later ones go
/// to the new top. A seal does what it can before the pause (flush, create the next top), so the
/// pause holds only the final flush, hash, manifest commit and swap.
/// </remarks>
public static class LayerStoreNbdExtensions
{
    /// <summary>
    /// Seals the store's top (<see cref="LayerStore.SealAsync"/>) while <paramref name="server"/>
    /// serves its live device as <paramref name="exportName"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The export does not serve the store's live device.</exception>
    public static Task<LayerRecord> SealServedAsync(this LayerStore store, NbdServer server, string exportName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ChangeServedAsync(store, server, exportName, "seal", store.PrepareSealAsync, store.SealAsync, cancellationToken);
    }

    /// <summary>
    /// Merges the sealed layers <paramref name="lowerId"/> to <paramref name="upperId"/>
    /// (<see cref="LayerStore.MergeAsync"/>) while <paramref name="server"/> serves the store's live
    /// device as <paramref name="exportName"/>. The merge rebuilds the top over the merged layer, so
    /// the export switches to a device over the rebuilt top.
    /// </summary>
    /// <exception cref="InvalidOperationException">The export does not serve the store's live device, or the merge is refused.</exception>
    /// <exception cref="ArgumentException">The ids are not two layers of the current chain in order.</exception>
    public static Task<LayerRecord> MergeServedAsync(this LayerStore store, NbdServer server, string exportName, long lowerId, long upperId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ChangeServedAsync(store, server, exportName, "merge", prepare: null, token => store.MergeAsync(lowerId, upperId, token), cancellationToken);
    }

    private static async Task<LayerRecord> ChangeServedAsync(
        LayerStore store,
        NbdServer server,
        string exportName,
        string operation,
        Func<CancellationToken, Task>? prepare,
        Func<CancellationToken, Task<LayerRecord>> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var activity = LayerStore.Trace.StartActivity(operation);
        if (prepare is not null)
        {
            // Outside the pause: requests keep running meanwhile.
            await prepare(cancellationToken).ConfigureAwait(false);
        }

        // The time requests wait: from closing the gate to reopening it.
        using var paused = LayerStore.Trace.StartActivity("pause");
        NbdExportPause pause;
        using (LayerStore.Trace.StartActivity("quiesce"))
        {
            pause = await server.QuiesceAsync(exportName, cancellationToken).ConfigureAwait(false);
        }

        var resume = new ResumeTrace(pause);
        await using (resume.ConfigureAwait(false))
        {
            var before = store.LiveDevice;
            if (before is null || !ReferenceEquals(pause.Device, before))
            {
                throw new InvalidOperationException($"Export '{exportName}' does not serve the layer store's live device.");
            }

            try
            {
                return await change(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // On success the device over the new top; on a failure before the commit the reopened old top.
                if (store.LiveDevice is { } now && !ReferenceEquals(now, before))
                {
                    pause.ReplaceDevice(now);
                }
            }
        }
    }

    /// <summary>Disposes the pause (flush of the replaced device, then resume) under a <c>resume</c> activity.</summary>
    private sealed class ResumeTrace(NbdExportPause pause) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var activity = LayerStore.Trace.StartActivity("resume");
            await pause.DisposeAsync().ConfigureAwait(false);
        }
    }
}
