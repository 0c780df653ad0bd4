using System.Diagnostics;
using Broker.Disks.Chains;
using Broker.Nbd;

namespace Broker.Disks.Layers;

/// <summary>Layer store changes under a running NBD export.</summary>
/// <remarks>
/// Every change (seal, merge) closes the live device and opens a new one over the new top file, so
/// an export serving the live device must not run a request in between: the export is quiesced
/// (requests wait, none fails), the change runs, the new live device replaces the old one, and the
/// export resumes. Requests acknowledged before the change are in the chain it saw; later ones go
/// to the new top. A seal does what it can before the pause (flush, create the next top) and
/// resumes as soon as the new top serves: the pause holds only the swap, the new top stacked on
/// the old one, which is still open for writing. The old top's final flush and close (log commit,
/// header updates), a brief exclusive swap of its writable handle for a read-only one, the hash and
/// the manifest commit follow the pause; until that commit is durable, flushes (and FUA writes) on
/// the new top wait, so nothing is reported durable that a crash could drop, and the seal returns
/// only after it. A merge builds every new file before the pause, the new top included (a copy
/// of the live top, read through the live device, whose writes from then on are recorded); its
/// pause closes the old top, copies the ranges written since into the new top, commits the
/// manifest and opens the new top, and the old files are deleted after the resume.
/// </remarks>
public static class LayerStoreNbdExtensions
{
    /// <summary>
    /// Seals the store's top (<see cref="LayerStore.SealAsync(CancellationToken)"/>) while <paramref name="server"/>
    /// serves its live device as <paramref name="exportName"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The export does not serve the store's live device.</exception>
    public static Task<LayerRecord> SealServedAsync(this LayerStore store, NbdServer server, string exportName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ChangeServedAsync(store, server, exportName, "seal", store.PrepareSealAsync, (resume, token) => store.SealAsync(resume, token), cancellationToken);
    }

    /// <summary>
    /// Merges the sealed layers <paramref name="lowerId"/> to <paramref name="upperId"/>
    /// (<see cref="LayerStore.MergeAsync(long, long, CancellationToken)"/>) while <paramref name="server"/>
    /// serves the store's live device as <paramref name="exportName"/>. Before the pause, while the
    /// export serves, the merged layer and the sealed layers above it are built and the live top is
    /// copied into the new top, recording the ranges written meanwhile; the pause copies only those
    /// ranges into the new top, commits the manifest and resumes on the device over the new top. The
    /// old files are deleted after the resume.
    /// </summary>
    /// <exception cref="InvalidOperationException">The export does not serve the store's live device, or the merge is refused.</exception>
    /// <exception cref="ArgumentException">The ids are not two layers of the current chain in order.</exception>
    public static async Task<LayerRecord> MergeServedAsync(this LayerStore store, NbdServer server, string exportName, long lowerId, long upperId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            return await ChangeServedAsync(
                store,
                server,
                exportName,
                "merge",
                token => store.PrepareMergeAsync(lowerId, upperId, token),
                (resume, token) => store.MergeAsync(lowerId, upperId, resume, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A merge that ran used (and forgot) the prepared files; otherwise they go now.
            await store.DiscardPreparedMergeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<LayerRecord> ChangeServedAsync(
        LayerStore store,
        NbdServer server,
        string exportName,
        string operation,
        Func<CancellationToken, Task> prepare,
        Func<Func<ChainBlockDevice, Task>, CancellationToken, Task<LayerRecord>> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var activity = LayerStore.Trace.StartActivity(operation);

        // Outside the pause: requests keep running meanwhile.
        await prepare(cancellationToken).ConfigureAwait(false);

        var pause = await ServedPause.QuiesceAsync(server, exportName, cancellationToken).ConfigureAwait(false);
        var before = store.LiveDevice;
        try
        {
            if (before is null || !ReferenceEquals(pause.Device, before))
            {
                throw new InvalidOperationException($"Export '{exportName}' does not serve the layer store's live device.");
            }

            return await change(pause.ResumeAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Unless the change resumed it already: on success the device over the new top; on a
            // failure before the switch the reopened old top.
            var now = store.LiveDevice;
            await pause.ResumeAsync(ReferenceEquals(now, before) ? null : now).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A quiesced export that resumes once, on the device given then, traced as the <c>pause</c>
    /// activity (the time requests wait) with its <c>quiesce</c> and <c>resume</c> steps.
    /// </summary>
    private sealed class ServedPause
    {
        private readonly NbdExportPause _pause;
        private readonly Activity? _paused;
        private bool _resumed;

        private ServedPause(NbdExportPause pause, Activity? paused)
        {
            _pause = pause;
            _paused = paused;
        }

        /// <summary>The device the export served when it was quiesced.</summary>
        public IBlockDevice Device => _pause.Device;

        public static async Task<ServedPause> QuiesceAsync(NbdServer server, string exportName, CancellationToken cancellationToken)
        {
            var paused = LayerStore.Trace.StartActivity("pause");
            try
            {
                using (LayerStore.Trace.StartActivity("quiesce"))
                {
                    return new ServedPause(await server.QuiesceAsync(exportName, cancellationToken).ConfigureAwait(false), paused);
                }
            }
            catch
            {
                paused?.Dispose();
                throw;
            }
        }

        /// <summary>Resumes the export, serving <paramref name="device"/> from then on when given (a replacement); later calls do nothing.</summary>
        public async Task ResumeAsync(ChainBlockDevice? device)
        {
            if (_resumed)
            {
                return;
            }

            _resumed = true;
            using var activity = LayerStore.Trace.StartActivity("resume");
            try
            {
                if (device is not null)
                {
                    _pause.ReplaceDevice(device);
                }
            }
            finally
            {
                // Flushes the replaced device (a no-op once a change closed it), then reopens the gate.
                await _pause.DisposeAsync().ConfigureAwait(false);
                _paused?.Dispose();
            }
        }
    }
}
