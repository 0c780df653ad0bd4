using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Transfer;
using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>Background sync: seal the local top, push what the host lacks, record its acks.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// Syncs now, asked by the user or the broker (SYNC_NOW): ends a deferral, then as a background
    /// sync (<see cref="SyncReadyAsync"/>).
    /// </summary>
    public async Task<DesktopStatus> SyncAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        if (record.Sync?.DeferredUntil is not null)
        {
            _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { Sync = held.Sync! with { DeferredUntil = null } }, cancellationToken).ConfigureAwait(false);
            _syncs.Wake();
        }

        await SyncReadyAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Seals the top (the VM keeps running) when something was written since the last seal, pushes
    /// every layer the host lacks, oldest first, then merges the acknowledged layers locally
    /// (<see cref="MergeAcknowledgedAsync"/>). With nothing written and nothing pending there is no
    /// new layer and no push; the status says so. When the broker or host cannot be reached the
    /// sealed layers stay queued and <see cref="ClientRefusal.BrokerUnreachable"/> says so; the next
    /// sync pushes them. Either way the next background sync is one interval away.
    /// </summary>
    private async Task SyncReadyAsync(string desktopId, CancellationToken cancellationToken)
    {
        var live = LiveOf(desktopId);
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = Find(desktopId);
            RequireRunnable(record);
            _syncs.Attempted(desktopId, SyncIntervalOf(record));
            var runtime = await RuntimeOfAsync(record, live, cancellationToken).ConfigureAwait(false);
            record = Find(desktopId);
            var top = await runtime.CheckTopAsync(cancellationToken).ConfigureAwait(false);
            if (top.Written)
            {
                live.Message = live.Message?.StartsWith(NothingToSync, StringComparison.Ordinal) == true ? null : live.Message;
                _ = await runtime.SealAsync(cancellationToken).ConfigureAwait(false);
                ClientCrashPoints.SyncSealed.Hit();
            }
            else if (PendingOf(record, runtime) == 0)
            {
                live.Message = $"{NothingToSync} {top}";
                return;
            }

            await PushResyncingAsync(desktopId, live, cancellationToken).ConfigureAwait(false);
            await MergeAcknowledgedAsync(Find(desktopId), live.Runtime!, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = live.Gate.Release();
        }
    }

    /// <summary>Sealed layers of the open chain the host does not hold.</summary>
    private static int PendingOf(LocalDesktopRecord record, DesktopRuntime runtime) =>
        runtime.Store.Manifest.CurrentChain().Count(layer => !record.HostLayers.Contains(layer.Id));

    /// <summary>
    /// Pushes the current chain's layers the host lacks, oldest first, recording each ack. For a
    /// check-in's upload (<paramref name="final"/>) the newest sealed layer goes last as the final one,
    /// also when the host already holds it, so the host announces it to the broker. Call under the gate.
    /// </summary>
    private async Task PushPendingAsync(LocalDesktopRecord record, DesktopLive live, DesktopActivity activity, bool final, CancellationToken cancellationToken)
    {
        var store = live.Runtime!.Store;
        var chain = store.Manifest.CurrentChain();
        var pending = chain.Where(layer => !record.HostLayers.Contains(layer.Id)).ToList();
        if (final && chain.Count > 0 && (pending.Count == 0 || pending[^1].Id != chain[^1].Id))
        {
            pending.Add(chain[^1]);
        }

        if (pending.Count == 0)
        {
            return;
        }

        live.Activity = activity;
        try
        {
            var ticket = await _broker.IssueTicketAsync(Enrollment(), record.DesktopId, TransferDirection.Push, record.Epoch, cancellationToken).ConfigureAwait(false);
            using var limiter = SyncLimiter();
            var pusher = PusherFor(record, ticket, limiter);
            var progress = new TransferProgressReporter(_outbox, record.DesktopId, record.Epoch, TransferDirection.Push, report => live.Transfer = report, _time);
            foreach (var layer in pending)
            {
                _ = final && layer.Id == pending[^1].Id
                    ? await pusher.PushFinalAsync(store, layer.Id, record.Epoch, progress, cancellationToken).ConfigureAwait(false)
                    : await pusher.PushAsync(store, layer.Id, record.Epoch, progress, cancellationToken).ConfigureAwait(false);
                ClientCrashPoints.PushAcknowledged.Hit();
                var now = _time.GetUtcNow();
                var state = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { HostLayers = held.HostLayers.Contains(layer.Id) ? held.HostLayers : [.. held.HostLayers, layer.Id], LastSyncAt = now }, cancellationToken).ConfigureAwait(false);
                record = state.ById(record.DesktopId)!;
            }

            progress.Complete();
            live.Message = null;
        }
        catch (Grpc.Core.RpcException rejected) when (TransferRejections.ReasonOf(rejected) is { } reason)
        {
            live.Message = $"{pending.Count} layer(s) are queued: the host refused the push ({TransferRejections.Name(reason)}: {rejected.Status.Detail}).";
            throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"The sync is queued: the host refused the push ({TransferRejections.Name(reason)}: {rejected.Status.Detail}).", rejected);
        }
        catch (Exception exception) when (exception is Grpc.Core.RpcException or HttpRequestException or IOException)
        {
            live.Message = $"{pending.Count} layer(s) are queued: {exception.Message}";
            throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"The sync is queued: the host or broker cannot be reached ({exception.Message}). It completes on the next sync once they are.", exception);
        }
        catch (ClientRefusedException refused)
        {
            live.Message = $"{pending.Count} layer(s) are queued: {refused.Message}";
            throw;
        }
        finally
        {
            live.Activity = null;
            live.Transfer = null;
        }
    }

    /// <summary>The rate limit of background pushes (<see cref="ClientAgentOptions.SyncBytesPerSecond"/>); null when unlimited. The caller disposes it.</summary>
    private BandwidthLimiter? SyncLimiter() =>
        _options.SyncBytesPerSecond > 0 ? new BandwidthLimiter(_options.SyncBytesPerSecond, ChunkLayout.MaxChunkLength, _time) : null;

    /// <summary>A pusher to <paramref name="record"/>'s host under <paramref name="ticket"/>, at background priority under <paramref name="limiter"/>.</summary>
    private LayerPusher PusherFor(LocalDesktopRecord record, IssueTransferTicketResponse ticket, BandwidthLimiter? limiter)
    {
        var client = new TransferClient(HostChannel(record, ticket).CreateCallInvoker(), record.DesktopId, ticket.Ticket);
        return new LayerPusher(client, WorkDirectory, new PullOptions { Limiter = limiter, Priority = TransferPriority.Background }, timeProvider: _time);
    }
}
