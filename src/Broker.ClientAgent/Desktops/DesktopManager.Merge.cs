using Broker.ClientAgent.State;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// Keeps the local chain short: after a sync, the layers the host acknowledged (the record names
/// them, design §7) are merged locally under the running VM, never the base and never a layer the
/// host lacks. The newest acknowledged layer stays as it is, because the next push names it as its
/// parent and the host knows it by that id; the merged layer stands for the host's layers below it.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// Merges the acknowledged layers at the bottom of the chain but the newest of them, when there
    /// are at least two such. The merge is recorded (<see cref="PendingMerge"/>) before it runs and
    /// its result after, so a stop in between is settled at the next open (<see cref="SettleMergeAsync"/>).
    /// Call under the gate.
    /// </summary>
    private async Task MergeAcknowledgedAsync(LocalDesktopRecord record, DesktopRuntime runtime, CancellationToken cancellationToken)
    {
        var acknowledged = runtime.Store.Manifest.CurrentChain().TakeWhile(layer => record.HostLayers.Contains(layer.Id)).ToList();
        if (acknowledged.Count < 3)
        {
            return;
        }

        var folded = acknowledged[..^1];
        var merge = new PendingMerge(runtime.Store.Manifest.NextSerial, [.. folded.Select(layer => layer.Id)]);
        _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { PendingMerge = merge }, cancellationToken).ConfigureAwait(false);
        var merged = await runtime.MergeAsync(folded[0].Id, folded[^1].Id, CancellationToken.None).ConfigureAwait(false);
        if (merged.Id != merge.MergedId)
        {
            throw new InvalidOperationException($"The merge made layer {merged.Id}, not {merge.MergedId} as recorded.");
        }

        await RecordMergeAsync(record.DesktopId, merge, done: true, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Settles a merge a previous run began: recorded as done when the chain holds its layer, else forgotten (the chain is as before).</summary>
    private async Task SettleMergeAsync(LocalDesktopRecord record, DesktopRuntime runtime, CancellationToken cancellationToken)
    {
        if (_state.Current.ById(record.DesktopId)?.PendingMerge is { } merge)
        {
            await RecordMergeAsync(record.DesktopId, merge, runtime.Store.Manifest.Find(merge.MergedId) is not null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Clears the pending merge; when <paramref name="done"/>, the host holds the merged layer in place
    /// of the layers it folded, and the merged layer stands for the host layers they stood for.
    /// </summary>
    private async Task RecordMergeAsync(string desktopId, PendingMerge merge, bool done, CancellationToken cancellationToken) =>
        _ = await _state.UpdateDesktopAsync(
            desktopId,
            held => done
                ? held with
                {
                    PendingMerge = null,
                    HostLayers = [.. held.HostLayers.Where(layer => !merge.Replaced.Contains(layer)), merge.MergedId],
                    MergedHostLayers = CoverageAfter(held.MergedHostLayers, merge),
                }
                : held with { PendingMerge = null },
            cancellationToken).ConfigureAwait(false);

    /// <summary>The host layers each merged layer stands for once <paramref name="merge"/> is done: a merged layer folded again hands its host layers on.</summary>
    private static Dictionary<long, IReadOnlyList<long>> CoverageAfter(IReadOnlyDictionary<long, IReadOnlyList<long>>? before, PendingMerge merge)
    {
        var coverage = before?.Where(entry => !merge.Replaced.Contains(entry.Key)).ToDictionary() ?? [];
        coverage[merge.MergedId] = [.. merge.Replaced.SelectMany(layer => before?.GetValueOrDefault(layer) ?? [layer])];
        return coverage;
    }
}
