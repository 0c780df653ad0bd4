using System.Collections.Concurrent;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Transfer;
using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// Resync beyond check-out: the local chain compared with the host's (<see cref="ChainComparison"/>)
/// when a push finds the host's top is not the layer it names as parent, and once per agent run for
/// every ready desktop as soon as its host can be reached. The layers both hold are the host's; the
/// local layers after the last common one are pushed again even when an acknowledgement of them was
/// recorded (the host lost them); the layers the host has after it are pulled, and a local branch
/// that diverged is kept aside by the check-out's pull (<see cref="ChainPuller"/>).
/// </summary>
internal sealed partial class DesktopManager
{
    // The desktops whose chain was verified against the host's since the agent started.
    private readonly ConcurrentDictionary<string, bool> _verifiedChains = new(StringComparer.Ordinal);

    /// <summary>
    /// Pushes what the host lacks (background sync); a push refused for its parent, or because the
    /// host holds another layer of that id (both sides sealed layers), resyncs and pushes again once.
    /// Call under the gate.
    /// </summary>
    private async Task PushResyncingAsync(string desktopId, DesktopLive live, CancellationToken cancellationToken)
    {
        try
        {
            await PushPendingAsync(Find(desktopId), live, DesktopActivity.Syncing, final: false, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientRefusedException refused) when (refused.InnerException is Grpc.Core.RpcException rpc && TransferRejections.ReasonOf(rpc) is TransferRejection.WrongParent or TransferRejection.LayerConflict)
        {
            if (!await ResyncAsync(desktopId, live, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }

            await PushPendingAsync(Find(desktopId), live, DesktopActivity.Syncing, final: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes the background loop when a ready desktop's chain is still to be verified (the broker became reachable).</summary>
    public void VerifyChainsWhenReachable()
    {
        if (_state.Current.Desktops.Any(desktop => desktop.Phase == DesktopPhase.Ready && !_verifiedChains.ContainsKey(desktop.DesktopId)))
        {
            _syncs.Wake();
        }
    }

    /// <summary>
    /// Resyncs each ready desktop not yet verified in this run (<see cref="ResyncAsync"/>); one whose
    /// broker or host cannot be reached is tried again at the next call.
    /// </summary>
    public async Task VerifyChainsAsync(CancellationToken cancellationToken)
    {
        foreach (var desktop in _state.Current.Desktops.Where(desktop => desktop.Phase == DesktopPhase.Ready && !_verifiedChains.ContainsKey(desktop.DesktopId)))
        {
            var live = LiveOf(desktop.DesktopId);
            await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (Find(desktop.DesktopId).Phase == DesktopPhase.Ready && await ResyncAsync(desktop.DesktopId, live, cancellationToken).ConfigureAwait(false))
                {
                    _verifiedChains[desktop.DesktopId] = true;
                }
            }
            catch (Exception exception) when (exception is ClientRefusedException or Grpc.Core.RpcException or HttpRequestException or IOException)
            {
                // Unreachable or refused now: verified at the next connection.
            }
            finally
            {
                _ = live.Gate.Release();
            }
        }
    }

    /// <summary>
    /// Compares the local chain with the host's and settles what the record says the host holds:
    /// when the host has nothing the local chain lacks, the local layers after the last common one
    /// are no longer counted as acknowledged (the next sync pushes them) and the common ones are.
    /// When the host has layers this copy lacks, a written top is sealed first (the writes were made
    /// over the older chain), then the check-out's pull brings the host's layers in, setting a
    /// diverged local branch aside whole; that needs the VM stopped, so while it runs the status
    /// says so and false is returned. Call under the gate.
    /// </summary>
    private async Task<bool> ResyncAsync(string desktopId, DesktopLive live, CancellationToken cancellationToken)
    {
        var record = Find(desktopId);
        var ticket = await _broker.IssueTicketAsync(Enrollment(), desktopId, TransferDirection.Pull, record.Epoch, cancellationToken).ConfigureAwait(false);
        var client = new TransferClient(HostChannel(record, ticket).CreateCallInvoker(), desktopId, ticket.Ticket);
        var hostChain = await client.GetChainManifestAsync(cancellationToken).ConfigureAwait(false);
        var runtime = await RuntimeOfAsync(record, live, cancellationToken).ConfigureAwait(false);
        record = Find(desktopId);
        var comparison = ChainComparison.Compare(runtime.Store.Manifest, hostChain, record.MergedHostLayers);
        if (comparison.SameBase && comparison.ToPull.Count == 0)
        {
            await SettleAcknowledgedAsync(record, live, comparison, client, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (await runtime.TopWrittenAsync(cancellationToken).ConfigureAwait(false))
        {
            _ = await runtime.SealAsync(cancellationToken).ConfigureAwait(false);
        }

        if (runtime.Running)
        {
            live.Message = "The server's chain has layers this copy lacks; stop the desktop so the agent can bring them in (local changes are kept aside).";
            return false;
        }

        await RepullAsync(record, live, client, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Records the local layers up to the last common one as held by the host and forgets the acknowledgements of those after it.</summary>
    private async Task SettleAcknowledgedAsync(LocalDesktopRecord record, DesktopLive live, ChainComparison comparison, TransferClient client, CancellationToken cancellationToken)
    {
        var localOnly = comparison.LocalOnly.Select(layer => layer.Id).ToHashSet();
        var onHost = live.Runtime!.Store.Manifest.CurrentChain().Select(layer => layer.Id).Where(id => !localOnly.Contains(id)).ToList();
        var lost = record.HostLayers.Where(localOnly.Contains).ToList();
        if (lost.Count > 0)
        {
            await new LayerPusher(client, WorkDirectory, timeProvider: _time).ForgetAcknowledgementsAsync(lost, cancellationToken).ConfigureAwait(false);
            live.Message = $"The server lacks {lost.Count} layer(s) it had acknowledged; they are pushed again at the next sync.";
        }

        if (lost.Count > 0 || !onHost.SequenceEqual(record.HostLayers))
        {
            _ = await _state.UpdateDesktopAsync(
                record.DesktopId,
                held => held with
                {
                    HostLayers = onHost,
                    MergedHostLayers = held.MergedHostLayers?.Where(entry => !localOnly.Contains(entry.Key)).ToDictionary(),
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes the local copy and pulls the host's chain into it as a check-out does (a diverged local
    /// branch is set aside whole), then serves it again; every layer of the chain is the host's.
    /// </summary>
    private async Task RepullAsync(LocalDesktopRecord record, DesktopLive live, TransferClient client, CancellationToken cancellationToken)
    {
        var paths = DesktopPaths.Of(_options.DataDirectory, record.DesktopId);
        var divergedBefore = DivergedBranches.List(paths.Chain).Count;
        if (live.Runtime is { } runtime)
        {
            live.Runtime = null;
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        live.Activity = DesktopActivity.Pulling;
        try
        {
            var progress = new Brokers.TransferProgressReporter(_outbox, record.DesktopId, record.Epoch, TransferDirection.Pull, report => live.Transfer = report, _time);
            var store = await new ChainPuller(client, _bases, WorkDirectory, timeProvider: _time).PullAsync(paths.Chain, record.MergedHostLayers, progress, cancellationToken).ConfigureAwait(false);
            progress.Complete();
            live.Runtime = await DesktopRuntime.ServeAsync(store, paths, CancellationToken.None).ConfigureAwait(false);
            var diverged = DivergedBranches.List(paths.Chain).Count > divergedBefore;
            var chain = store.Manifest.CurrentChain().Select(layer => layer.Id).ToList();
            _ = await _state.UpdateDesktopAsync(
                record.DesktopId,
                held => held with { HostLayers = chain, MergedHostLayers = diverged ? null : held.MergedHostLayers, BaseAddress = store.Manifest.BaseAddress },
                CancellationToken.None).ConfigureAwait(false);
            live.Message = null;
        }
        finally
        {
            live.Activity = null;
            live.Transfer = null;
        }
    }
}
