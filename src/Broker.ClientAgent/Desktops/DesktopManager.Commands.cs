using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// The broker's commands for this device, applied idempotently: a command older than the newest epoch
/// seen for its desktop is ignored, and one whose effect is already there (a repeat) changes nothing.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>Applies <paramref name="command"/>; the result says what happened (or why not) for the broker's log.</summary>
    public async Task<CommandResult> ApplyAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        var result = new CommandResult { CommandId = command.CommandId, Succeeded = true };
        try
        {
            result.Detail = await ApplyCommandAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ClientRefusedException or KeyNotFoundException or IOException or Grpc.Core.RpcException)
        {
            result.Succeeded = false;
            result.Detail = exception.Message;
        }

        return result;
    }

    private Task<string> ApplyCommandAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        var held = _state.Current.ById(command.DesktopId);
        if (held is not null && command.Epoch < held.Epoch)
        {
            return Task.FromResult($"Ignored: epoch {command.Epoch} is older than {held.Epoch}, the newest seen for the desktop.");
        }

        if (held is null && command.Kind != AgentCommandKind.StartPull)
        {
            return Task.FromResult($"Nothing to do: this device holds no desktop {command.DesktopId}.");
        }

        return command.Kind switch
        {
            AgentCommandKind.StartPull => StartPullAsync(command, held, cancellationToken),
            AgentCommandKind.PauseTransfer when held!.Phase == DesktopPhase.Pulling => Done(PauseAsync(held.DesktopId, cancellationToken), "Pull paused."),
            AgentCommandKind.ResumeTransfer when held!.Phase == DesktopPhase.Paused => Done(ResumeAsync(held.DesktopId, cancellationToken), "Pull resumed."),
            AgentCommandKind.CancelTransfer when held!.Phase is DesktopPhase.Requested or DesktopPhase.Pulling or DesktopPhase.Paused or DesktopPhase.Pulled =>
                Done(CancelAsync(held.DesktopId, cancellationToken), "Check-out cancelled; the local copy is deleted."),
            AgentCommandKind.GrantLease => GrantLeaseAsync(command, held!, cancellationToken),
            AgentCommandKind.RenewLease => RenewLeaseAsync(command, held!, cancellationToken),
            AgentCommandKind.SyncNow when held!.Phase == DesktopPhase.Ready => Done(SyncAsync(held.DesktopId, cancellationToken), "Synced."),
            AgentCommandKind.BeginCheckIn => BeginCheckInAsync(held!, cancellationToken),
            AgentCommandKind.CancelCheckIn => CancelCheckInAsync(held!, cancellationToken),
            AgentCommandKind.ReleaseLocalCopy => Done(ReleaseNowAsync(held!, cancellationToken), "Released; the base stays cached."),
            AgentCommandKind.RevokeLocalCopy => RevokeAsync(command, held!, cancellationToken),
            AgentCommandKind.PauseTransfer or AgentCommandKind.ResumeTransfer or AgentCommandKind.CancelTransfer or AgentCommandKind.SyncNow => Task.FromResult(NothingToDo(held!)),
            _ => throw new ClientRefusedException(ClientRefusal.WrongPhase, $"{command.Kind} is no command for a device."),
        };
    }

    private static async Task<string> Done(Task work, string detail)
    {
        await work.ConfigureAwait(false);
        return detail;
    }

    private static string NothingToDo(LocalDesktopRecord held) => $"Nothing to do: '{held.Name}' is {held.Phase} at epoch {held.Epoch}.";

    /// <summary>START_PULL: records where to pull from and begins (or resumes) the pull; a desktop checked out to this device elsewhere (the portal) is adopted.</summary>
    private async Task<string> StartPullAsync(AgentCommand command, LocalDesktopRecord? held, CancellationToken cancellationToken)
    {
        if (held is not null && held.Phase is not (DesktopPhase.Requested or DesktopPhase.Pulling))
        {
            return NothingToDo(held);
        }

        var name = held?.Name ?? await NameOfAsync(command.DesktopId, cancellationToken).ConfigureAwait(false);
        var address = command.HostTransferAddress is { Length: > 0 } given ? given : held?.HostAddress;
        var pulling = held is null
            ? new LocalDesktopRecord(command.DesktopId, name, command.Epoch, command.HostId, DesktopPhase.Pulling, null, null, [], null, address)
            : held with { Epoch = command.Epoch, HostId = command.HostId, Phase = DesktopPhase.Pulling, HostAddress = address };
        var state = await _state.UpdateAsync(current => current.With(pulling), cancellationToken).ConfigureAwait(false);
        BeginPull(state.ById(command.DesktopId)!);
        return $"Pulling from host {command.HostId} at epoch {command.Epoch}.";
    }

    /// <summary>The desktop's name as the broker lists it, or its id when the broker does not say.</summary>
    private async Task<string> NameOfAsync(string desktopId, CancellationToken cancellationToken)
    {
        try
        {
            var desktops = await _broker.ListDesktopsAsync(Enrollment(), cancellationToken).ConfigureAwait(false);
            return desktops.FirstOrDefault(desktop => desktop.DesktopId == desktopId)?.Name is { Length: > 0 } name ? name : desktopId;
        }
        catch (ClientRefusedException)
        {
            return desktopId;
        }
    }

    /// <summary>GRANT_LEASE: a pulled desktop becomes ready under the lease's epoch, once the lease's signature checks out.</summary>
    private async Task<string> GrantLeaseAsync(AgentCommand command, LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        if (held.Phase != DesktopPhase.Pulled)
        {
            return held.Epoch == command.Epoch
                ? NothingToDo(held)
                : throw new ClientRefusedException(ClientRefusal.WrongPhase, $"'{held.Name}' is {held.Phase}: only a completely pulled desktop takes a lease.");
        }

        var lease = LeaseVerifier.Verify(Enrollment(), command.Lease, held.DesktopId, command.Epoch);
        var expires = lease.ExpiresAt.ToDateTimeOffset();
        _ = await _state.UpdateDesktopAsync(
            held.DesktopId,
            current => current with { Phase = DesktopPhase.Ready, Epoch = command.Epoch, LeaseExpiresAt = expires, Sync = LeaseVerifier.SyncTermsOf(lease, current.Sync) },
            cancellationToken).ConfigureAwait(false);
        _syncs.Wake();
        await _lease.TrustClockAsync(cancellationToken).ConfigureAwait(false);
        return $"Ready at epoch {command.Epoch}; the lease ends at {expires:u}.";
    }

    /// <summary>RENEW_LEASE: slides the lease of a desktop held at the command's epoch.</summary>
    private async Task<string> RenewLeaseAsync(AgentCommand command, LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        if (held.Epoch != command.Epoch || !held.HoldsCopy || held.LeaseExpiresAt is null)
        {
            return NothingToDo(held);
        }

        var lease = LeaseVerifier.Verify(Enrollment(), command.Lease, held.DesktopId, command.Epoch);
        var expires = lease.ExpiresAt.ToDateTimeOffset();
        _ = await _state.UpdateDesktopAsync(held.DesktopId, current => current with { LeaseExpiresAt = expires, Sync = LeaseVerifier.SyncTermsOf(lease, current.Sync) }, cancellationToken).ConfigureAwait(false);
        _syncs.Wake();
        await _lease.TrustClockAsync(cancellationToken).ConfigureAwait(false);
        return $"The lease ends at {expires:u}.";
    }

    /// <summary>BEGIN_CHECK_IN: starts (or resumes) the check-in of a desktop held at the command's epoch.</summary>
    private async Task<string> BeginCheckInAsync(LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        switch (held.Phase)
        {
            case DesktopPhase.Ready or DesktopPhase.CheckInRequested:
                _ = await _state.UpdateDesktopAsync(held.DesktopId, current => current with { Phase = DesktopPhase.CheckingIn }, cancellationToken).ConfigureAwait(false);
                break;
            case DesktopPhase.CheckingIn or DesktopPhase.Uploading:
                break;
            default:
                return NothingToDo(held);
        }

        BeginCheckIn(held.DesktopId);
        return "Checking in: stopping the VM, sealing and pushing the final layer.";
    }

    /// <summary>CANCEL_CHECK_IN: back to ready, unless the final upload already began.</summary>
    private async Task<string> CancelCheckInAsync(LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        if (held.Phase is not (DesktopPhase.CheckInRequested or DesktopPhase.CheckingIn))
        {
            return NothingToDo(held);
        }

        await LiveOf(held.DesktopId).CheckIn.StopAsync().ConfigureAwait(false);
        _ = await _state.UpdateDesktopAsync(held.DesktopId, current => current.Phase is DesktopPhase.CheckInRequested or DesktopPhase.CheckingIn ? current with { Phase = DesktopPhase.Ready } : current, cancellationToken).ConfigureAwait(false);
        _syncs.Wake();
        return "Check-in cancelled; the desktop is ready again.";
    }

    /// <summary>Stops the work in progress and the VM, releases the copy.</summary>
    private async Task ReleaseNowAsync(LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        var live = await StopEverythingAsync(held.DesktopId).ConfigureAwait(false);
        try
        {
            await ReleaseAsync(_state.Current.ById(held.DesktopId) ?? held, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = live.Gate.Release();
        }
    }

    /// <summary>Cancels the pull, check-in and revoke in progress, takes the gate and closes the runtime (the VM is forced off). The caller releases the gate.</summary>
    private async Task<DesktopLive> StopEverythingAsync(string desktopId)
    {
        var live = LiveOf(desktopId);
        await live.Pull.StopAsync().ConfigureAwait(false);
        await live.CheckIn.StopAsync().ConfigureAwait(false);
        await live.Revoke.StopAsync().ConfigureAwait(false);
        await live.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        if (live.Runtime is { } runtime)
        {
            live.Runtime = null;
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        return live;
    }
}
