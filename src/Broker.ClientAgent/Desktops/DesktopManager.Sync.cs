using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>Background sync: seal the local top, push what the host lacks, record its acks.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// Seals the top (the VM keeps running) and pushes every layer the host lacks, oldest first. When
    /// the broker or host cannot be reached the sealed layers stay queued and
    /// <see cref="ClientRefusal.BrokerUnreachable"/> says so; the next sync pushes them.
    /// </summary>
    public async Task<DesktopStatus> SyncAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        var live = LiveOf(record.DesktopId);
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            record = Find(record.DesktopId);
            RequireRunnable(record);
            var runtime = await RuntimeOfAsync(record, live, cancellationToken).ConfigureAwait(false);
            _ = await runtime.SealAsync(cancellationToken).ConfigureAwait(false);
            await PushPendingAsync(record, live, DesktopActivity.Syncing, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = live.Gate.Release();
        }

        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Syncs every ready desktop; failures stay queued and are logged in the status message.</summary>
    public async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        foreach (var desktop in _state.Current.Desktops.Where(desktop => desktop.Phase == DesktopPhase.Ready))
        {
            try
            {
                _ = await SyncAsync(desktop.DesktopId, cancellationToken).ConfigureAwait(false);
            }
            catch (ClientRefusedException)
            {
                // Queued: the status message says why.
            }
        }
    }

    /// <summary>Pushes the current chain's layers the host lacks, oldest first, recording each ack. Call under the gate.</summary>
    private async Task PushPendingAsync(LocalDesktopRecord record, DesktopLive live, DesktopActivity activity, CancellationToken cancellationToken)
    {
        var store = live.Runtime!.Store;
        var pending = store.Manifest.CurrentChain().Where(layer => !record.HostLayers.Contains(layer.Id)).ToList();
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
                _ = await pusher.PushAsync(store, layer.Id, record.Epoch, progress, cancellationToken).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var state = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { HostLayers = [.. held.HostLayers, layer.Id], LastSyncAt = now }, cancellationToken).ConfigureAwait(false);
                record = state.ById(record.DesktopId)!;
            }

            progress.Complete();
            live.Message = null;
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
