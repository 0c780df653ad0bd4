using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Desktops;

/// <summary>Check-out: the pull and its pause, resume and cancel.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>Asks the broker to check <paramref name="desktop"/> out to this device and starts pulling it.</summary>
    public async Task<DesktopStatus> CheckOutAsync(string desktop, CancellationToken cancellationToken)
    {
        if (_state.Current.Find(desktop) is { } held)
        {
            return await StatusOfAsync(held, cancellationToken).ConfigureAwait(false);
        }

        var grant = await _broker.RequestCheckOutAsync(Enrollment(), desktop, cancellationToken).ConfigureAwait(false);
        var record = new LocalDesktopRecord(grant.DesktopId, grant.Name, grant.Epoch, grant.HostId, DesktopPhase.Pulling, grant.LeaseExpiresAt, null, [], null);
        _ = await _state.UpdateAsync(state => state.With(record), cancellationToken).ConfigureAwait(false);
        await _lease.TrustClockAsync(cancellationToken).ConfigureAwait(false);
        BeginPull(record);
        return await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses the pull; its progress stays durable.</summary>
    public async Task<DesktopStatus> PauseAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        RequirePhase(record, DesktopPhase.Pulling, "Only a pull in progress can be paused.");
        await StopPullAsync(record.DesktopId).ConfigureAwait(false);
        _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { Phase = DesktopPhase.Paused }, cancellationToken).ConfigureAwait(false);
        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a paused pull from its durable progress.</summary>
    public async Task<DesktopStatus> ResumeAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        RequirePhase(record, DesktopPhase.Paused, "Only a paused pull can be resumed.");
        var state = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { Phase = DesktopPhase.Pulling }, cancellationToken).ConfigureAwait(false);
        BeginPull(state.Find(record.DesktopId)!);
        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a pull and deletes what was pulled (a cached base stays).</summary>
    public async Task CancelAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        if (record.Phase is not (DesktopPhase.Pulling or DesktopPhase.Paused))
        {
            throw new ClientRefusedException(ClientRefusal.WrongPhase, "Only a check-out in progress can be cancelled; check the desktop in instead.");
        }

        await StopPullAsync(record.DesktopId).ConfigureAwait(false);
        await ReleaseAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the pull in progress ends (completed, paused or failed).</summary>
    public async Task WaitForPullAsync(string desktop, CancellationToken cancellationToken)
    {
        if (LiveOf(Find(desktop).DesktopId).Pull is { } pull)
        {
            await pull.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

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
        var cancellation = new CancellationTokenSource();
        live.PullCancellation = cancellation;
        live.Activity = DesktopActivity.Pulling;
        live.Message = null;
        live.Pull = Task.Run(() => PullAsync(record, live, cancellation.Token), CancellationToken.None);
    }

    private async Task StopPullAsync(string desktopId)
    {
        var live = LiveOf(desktopId);
        if (live.PullCancellation is { } cancellation)
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
        }

        if (live.Pull is { } pull)
        {
            await pull.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PullAsync(LocalDesktopRecord record, DesktopLive live, CancellationToken cancellationToken)
    {
        try
        {
            var ticket = await _broker.IssueTicketAsync(Enrollment(), record.DesktopId, TransferDirection.Pull, record.Epoch, cancellationToken).ConfigureAwait(false);
            var client = new TransferClient(_hosts.For(record.HostId).CreateCallInvoker(), record.DesktopId, ticket);
            var puller = new ChainPuller(client, _bases, WorkDirectory, timeProvider: _time);
            var paths = DesktopPaths.Of(_options.DataDirectory, record.DesktopId);
            var progress = new Progress<TransferProgress>(report => live.Transfer = report);
            var store = await puller.PullAsync(paths.Chain, progress, cancellationToken).ConfigureAwait(false);
            await live.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                live.Runtime = await DesktopRuntime.ServeAsync(store, paths, CancellationToken.None).ConfigureAwait(false);
                var pulled = store.Manifest.CurrentChain().Select(layer => layer.Id).ToList();
                _ = await _state.UpdateDesktopAsync(
                    record.DesktopId,
                    held => held with { Phase = DesktopPhase.Ready, HostLayers = pulled, BaseAddress = store.Manifest.BaseAddress },
                    CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _ = live.Gate.Release();
            }
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

        if (Directory.Exists(paths.Root))
        {
            Directory.Delete(paths.Root, recursive: true);
        }

        if (baseAddress is not null && _bases.Find(baseAddress) is not null)
        {
            _ = await _bases.ReleaseAsync(baseAddress, cancellationToken).ConfigureAwait(false);
        }

        _ = await _state.UpdateAsync(state => state.Without(record.DesktopId), cancellationToken).ConfigureAwait(false);
    }
}
