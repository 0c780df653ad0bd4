using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Desktops;

/// <summary>Check-out: the request to the broker, the pull (started by START_PULL) and its pause, resume and cancel.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// Asks the broker to check <paramref name="desktop"/> out to this device and records it as
    /// <see cref="DesktopPhase.Requested"/>; the broker's START_PULL begins the pull and its
    /// GRANT_LEASE makes the copy ready. Asking again for a desktop held answers its status.
    /// </summary>
    public async Task<DesktopStatus> CheckOutAsync(string desktop, CancellationToken cancellationToken)
    {
        if (_state.Current.Find(desktop) is { } held)
        {
            return await StatusOfAsync(held, cancellationToken).ConfigureAwait(false);
        }

        var answer = await _broker.RequestCheckOutAsync(Enrollment(), desktop, cancellationToken).ConfigureAwait(false);
        var requested = new LocalDesktopRecord(answer.DesktopId, answer.Name, answer.Epoch, answer.HostId, DesktopPhase.Requested, null, null, [], null);
        var state = await _state.UpdateAsync(current => current.ById(answer.DesktopId) is null ? current.With(requested) : current, cancellationToken).ConfigureAwait(false);
        await _lease.TrustClockAsync(cancellationToken).ConfigureAwait(false);
        return await StatusOfAsync(state.ById(answer.DesktopId)!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses the pull; its progress stays durable.</summary>
    public async Task<DesktopStatus> PauseAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        RequirePhase(record, DesktopPhase.Pulling, "Only a pull in progress can be paused.");
        await LiveOf(record.DesktopId).Pull.StopAsync().ConfigureAwait(false);
        _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held.Phase == DesktopPhase.Pulling ? held with { Phase = DesktopPhase.Paused } : held, cancellationToken).ConfigureAwait(false);
        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a paused pull from its durable progress.</summary>
    public async Task<DesktopStatus> ResumeAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        RequirePhase(record, DesktopPhase.Paused, "Only a paused pull can be resumed.");
        var state = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { Phase = DesktopPhase.Pulling }, cancellationToken).ConfigureAwait(false);
        BeginPull(state.ById(record.DesktopId)!);
        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a check-out in progress, deletes what was pulled (a cached base stays) and tells the
    /// broker, so the desktop is Available again there and its host unlocks; while the broker cannot
    /// be reached the cancellation is kept and told at the next connection.
    /// </summary>
    public async Task CancelAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        if (record.Phase is not (DesktopPhase.Requested or DesktopPhase.Pulling or DesktopPhase.Paused or DesktopPhase.Pulled))
        {
            throw new ClientRefusedException(ClientRefusal.WrongPhase, "Only a check-out in progress can be cancelled; check the desktop in instead.");
        }

        await LiveOf(record.DesktopId).Pull.StopAsync().ConfigureAwait(false);
        var cancellation = new CheckOutCancellation(record.DesktopId, record.Epoch);
        _ = await _state.UpdateAsync(state => state.With(cancellation), cancellationToken).ConfigureAwait(false);
        await ReleaseAsync(record, cancellationToken).ConfigureAwait(false);
        await TellCancellationAsync(cancellation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the broker still has to be told of a check-out of <paramref name="desktopId"/> cancelled here.</summary>
    public bool CancellationUntold(string desktopId) => _state.Current.UntoldCancellations.Any(cancellation => cancellation.DesktopId == desktopId);

    /// <summary>
    /// Tells the broker of <paramref name="cancellation"/> and forgets it; keeps it while the broker
    /// cannot be reached, and forgets it too when the broker refuses (its desktop has moved on, e.g.
    /// the lease was granted meanwhile: the broker's reconciler sees the copy gone from the heartbeat).
    /// </summary>
    private async Task TellCancellationAsync(CheckOutCancellation cancellation, CancellationToken cancellationToken)
    {
        try
        {
            _ = await _broker.CancelCheckOutAsync(Enrollment(), cancellation.DesktopId, cancellation.Epoch, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientRefusedException refused) when (refused.Reason == ClientRefusal.BrokerUnreachable)
        {
            return;
        }
        catch (ClientRefusedException)
        {
            // Refused for good: nothing left to tell.
        }

        _ = await _state.UpdateAsync(state => state.Without(cancellation), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the broker of every cancellation it missed (at a connection); failures wait for the next.</summary>
    private async Task TellCancellationsAsync()
    {
        foreach (var cancellation in _state.Current.UntoldCancellations)
        {
            try
            {
                await TellCancellationAsync(cancellation, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or Grpc.Core.RpcException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until the pull in progress ends (completed, paused or failed).</summary>
    public Task WaitForPullAsync(string desktop, CancellationToken cancellationToken) =>
        LiveOf(Find(desktop).DesktopId).Pull.WaitAsync(cancellationToken);

    private static void RequirePhase(LocalDesktopRecord record, DesktopPhase phase, string message)
    {
        if (record.Phase != phase)
        {
            throw new ClientRefusedException(ClientRefusal.WrongPhase, $"{message} '{record.Name}' is {record.Phase}.");
        }
    }

    private void BeginPull(LocalDesktopRecord record)
    {
        var live = LiveOf(record.DesktopId);
        if (live.Pull.TryStart(cancellationToken => PullAsync(record, live, cancellationToken)))
        {
            live.Activity = DesktopActivity.Pulling;
            live.Message = null;
        }
    }

    private async Task PullAsync(LocalDesktopRecord record, DesktopLive live, CancellationToken cancellationToken)
    {
        try
        {
            var paths = DesktopPaths.Of(_options.DataDirectory, record.DesktopId);
            var progress = new TransferProgressReporter(_outbox, record.DesktopId, record.Epoch, TransferDirection.Pull, report => live.Transfer = report, _time);
            var store = await PullChainAsync(record, paths, progress, cancellationToken).ConfigureAwait(false);
            ClientCrashPoints.PullCompleted.Hit();
            progress.Complete();
            await live.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                live.Runtime = await DesktopRuntime.ServeAsync(store, paths, CancellationToken.None).ConfigureAwait(false);
                var pulled = store.Manifest.CurrentChain().Select(layer => layer.Id).ToList();
                _ = await _state.UpdateDesktopAsync(
                    record.DesktopId,
                    held => held with { Phase = DesktopPhase.Pulled, HostLayers = pulled, BaseAddress = store.Manifest.BaseAddress },
                    CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _ = live.Gate.Release();
            }

            ReportTransferCompleted(record);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Paused or cancelled: the durable progress stays for a resume.
        }
        catch (Exception exception) when (exception is ClientRefusedException or IOException or Grpc.Core.RpcException or InvalidOperationException)
        {
            live.Message = $"The pull stopped: {exception.Message} It resumes from its progress on 'brokerctl desktop resume' or when the agent restarts.";
        }
        finally
        {
            live.Activity = null;
            live.Transfer = null;
        }
    }

    /// <summary>
    /// Pulls the chain from the host. The broker sends START_PULL only once the host reports serving
    /// this device, so a refusal here is a real one and stops the pull.
    /// </summary>
    private async Task<LayerStore> PullChainAsync(LocalDesktopRecord record, DesktopPaths paths, TransferProgressReporter progress, CancellationToken cancellationToken)
    {
        var ticket = await _broker.IssueTicketAsync(Enrollment(), record.DesktopId, TransferDirection.Pull, record.Epoch, cancellationToken).ConfigureAwait(false);
        var client = new TransferClient(HostChannel(record, ticket).CreateCallInvoker(), record.DesktopId, ticket.Ticket);
        var puller = new ChainPuller(client, _bases, WorkDirectory, timeProvider: _time);
        return await puller.PullAsync(paths.Chain, _state.Current.ById(record.DesktopId)?.MergedHostLayers, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the broker the pull of <paramref name="record"/> is complete; it answers with GRANT_LEASE.</summary>
    private void ReportTransferCompleted(LocalDesktopRecord record) =>
        _ = _outbox.SendAsync(new DesktopReport { DesktopId = record.DesktopId, Epoch = record.Epoch, Kind = DesktopReportKind.TransferCompleted }, CancellationToken.None);

    /// <summary>The transfer channel to the desktop's host: the address the ticket answer names, else the one START_PULL named.</summary>
    private Grpc.Net.Client.GrpcChannel HostChannel(LocalDesktopRecord record, IssueTransferTicketResponse ticket) =>
        _hosts.For(record.HostId, ticket.HostTransferAddress is { Length: > 0 } address ? address : record.HostAddress);

    /// <summary>Closes and deletes the local copy, drops its reference on the base (the base stays cached), forgets the desktop.</summary>
    private async Task ReleaseAsync(LocalDesktopRecord record, CancellationToken cancellationToken)
    {
        var live = LiveOf(record.DesktopId);
        if (live.Runtime is { } runtime)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            live.Runtime = null;
        }

        var paths = DesktopPaths.Of(_options.DataDirectory, record.DesktopId);
        var baseAddress = record.BaseAddress;
        if (baseAddress is null && Directory.Exists(paths.Chain))
        {
            // A pull that had created the chain holds a base reference the record does not name yet.
            await using var store = await LayerStore.OpenAsync(FileStorage.Instance, paths.Chain, _time, cancellationToken).ConfigureAwait(false);
            baseAddress = store.Manifest.BaseAddress;
        }

        foreach (var branch in DivergedBranches.List(paths.Chain))
        {
            await DivergedBranches.DiscardAsync(FileStorage.Instance, _bases, branch, cancellationToken).ConfigureAwait(false);
        }

        if (Directory.Exists(paths.Root))
        {
            Directory.Delete(paths.Root, recursive: true);
        }

        if (baseAddress is not null && _bases.Find(baseAddress) is not null)
        {
            _ = await _bases.ReleaseAsync(baseAddress, cancellationToken).ConfigureAwait(false);
        }

        _ = await _state.UpdateAsync(state => state.Without(record.DesktopId), cancellationToken).ConfigureAwait(false);
        _syncs.Forget(record.DesktopId);
        live.Message = null;
    }
}
