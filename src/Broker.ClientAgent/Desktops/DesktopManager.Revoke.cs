using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Hosting;
using Broker.Transfer;
using Broker.Vhdx.Storage;
using Grpc.Core;
using MeasuredProgress = Broker.Transfer.Client.TransferProgress;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// Revoke (design §5, §8): on REVOKE_LOCAL_COPY the agent stops the VM (graceful, then forced), seals
/// what it wrote (<see cref="DesktopPhase.Revoking"/>), folds every layer the host never acknowledged
/// into one and pushes it once under the revoked epoch, which the host files in the desktop's
/// quarantine (<see cref="DesktopPhase.Quarantining"/>); then it wipes the copy or keeps it read-only
/// (<see cref="DesktopPhase.Revoked"/>), as the command says. A refusal by the broker or the host keeps
/// the changes here, whatever the command says, and the status tells why. Both phases are durable:
/// after a crash or while the broker or host cannot be reached the revoke is tried again with durable
/// backoff and jitter (also at agent start and at every connection), and the push resumes from what
/// the host holds (the pusher's acknowledgement record makes it once).
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>REVOKE_LOCAL_COPY: see the type's summary. A copy whose check-in upload finished is released instead (its release was missed).</summary>
    private async Task<string> RevokeAsync(AgentCommand command, LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        var live = LiveOf(held.DesktopId);
        switch (held.Phase)
        {
            case DesktopPhase.Uploaded:
                await ReleaseNowAsync(held, cancellationToken).ConfigureAwait(false);
                return "Checked in already; released.";
            case DesktopPhase.Revoked:
                return NothingToDo(held);
            case DesktopPhase.Requested or DesktopPhase.Pulling or DesktopPhase.Paused or DesktopPhase.Pulled:
                return await RevokeUnusedAsync(command, held, cancellationToken).ConfigureAwait(false);
            case DesktopPhase.Revoking or DesktopPhase.Quarantining:
                // A repeat: the revoke under way (or waiting for the broker) goes on.
                break;
            default:
                await live.CheckIn.StopAsync().ConfigureAwait(false);
                _ = await _state.UpdateDesktopAsync(
                    held.DesktopId,
                    current => current with { Phase = DesktopPhase.Revoking, Epoch = command.Epoch, Revocation = new LocalRevocation(current.Epoch, command.Wipe) },
                    cancellationToken).ConfigureAwait(false);
                break;
        }

        if (await RevocationStepAsync(held.DesktopId, live, cancellationToken).ConfigureAwait(false))
        {
            BeginRevocation(held.DesktopId);
        }

        return _state.Current.ById(held.DesktopId) is { Phase: DesktopPhase.Revoked, Revocation: { } revocation }
            ? $"{revocation.Note()} The local copy is kept read-only."
            : live.Message ?? "The revoke did not finish; it is tried again with backoff.";
    }

    /// <summary>The revoke of a copy that never ran (still being checked out): nothing can be unsynced, so it is wiped or kept at once.</summary>
    private async Task<string> RevokeUnusedAsync(AgentCommand command, LocalDesktopRecord held, CancellationToken cancellationToken)
    {
        if (command.Wipe)
        {
            await ReleaseNowAsync(held, cancellationToken).ConfigureAwait(false);
            return "Revoked; the local copy is wiped.";
        }

        var live = await StopEverythingAsync(held.DesktopId).ConfigureAwait(false);
        try
        {
            var revocation = new LocalRevocation(held.Epoch, Wipe: false, UnsyncedBytes: 0);
            _ = await _state.UpdateDesktopAsync(held.DesktopId, current => current with { Phase = DesktopPhase.Revoked, Epoch = command.Epoch, Revocation = revocation }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = live.Gate.Release();
        }

        return "Revoked; the local copy is kept read-only.";
    }

    /// <summary>Starts <see cref="RevocationWorkAsync"/> unless it runs already.</summary>
    private void BeginRevocation(string desktopId)
    {
        var live = LiveOf(desktopId);
        _ = live.Revoke.TryStart(cancellationToken => RevocationWorkAsync(desktopId, live, cancellationToken));
    }

    /// <summary>
    /// Carries the revoke on until it is settled: while the broker or host cannot be reached, each
    /// attempt is followed by a wait with backoff and jitter (<see cref="ClientAgentOptions.ReconnectMinDelay"/>
    /// to <see cref="ClientAgentOptions.ReconnectMaxDelay"/>). The attempts and the time of the next one
    /// are durable (<see cref="LocalRevocation.PushAttempts"/>, <see cref="LocalRevocation.NextAttemptAt"/>),
    /// so a restarted agent waits out the same backoff and counts on from there.
    /// </summary>
    private async Task RevocationWorkAsync(string desktopId, DesktopLive live, CancellationToken cancellationToken)
    {
        try
        {
            do
            {
                if (_state.Current.ById(desktopId)?.Revocation?.NextAttemptAt is { } next && next > _time.GetUtcNow())
                {
                    await Task.Delay(next - _time.GetUtcNow(), _time, cancellationToken).ConfigureAwait(false);
                }
            }
            while (await RevocationStepAsync(desktopId, live, cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown or release: the durable phase stays, and the revoke goes on from it.
        }
    }

    /// <summary>One attempt of the revoke from its durable phase; true when the broker or host could not be reached (the next attempt is scheduled).</summary>
    private async Task<bool> RevocationStepAsync(string desktopId, DesktopLive live, CancellationToken cancellationToken)
    {
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        live.Activity = DesktopActivity.Revoking;
        try
        {
            var record = _state.Current.ById(desktopId);
            if (record?.Phase == DesktopPhase.Revoking)
            {
                record = await StopAndSealAsync(record, live, cancellationToken).ConfigureAwait(false);
            }

            if (record is { Phase: DesktopPhase.Quarantining, Revocation: { } revocation })
            {
                if (!revocation.Settled)
                {
                    revocation = await QuarantineAsync(record, revocation, live, cancellationToken).ConfigureAwait(false);
                }

                await SettleRevocationAsync(record, revocation, live, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }
        catch (ClientRefusedException unreachable) when (unreachable.Reason == ClientRefusal.BrokerUnreachable)
        {
            var revocation = await ScheduleRevocationRetryAsync(desktopId, cancellationToken).ConfigureAwait(false);
            live.Message = $"Revoked; the unsynced changes wait to be sent to the server's quarantine: {unreachable.Message} Attempt {revocation?.PushAttempts} failed; the next is at {revocation?.NextAttemptAt:u}.";
            return true;
        }
        finally
        {
            live.Activity = null;
            live.Transfer = null;
            _ = live.Gate.Release();
        }
    }

    /// <summary>Records a failed attempt and when the next one is due (exponential backoff with jitter); returns the revocation as recorded.</summary>
    private async Task<LocalRevocation?> ScheduleRevocationRetryAsync(string desktopId, CancellationToken cancellationToken)
    {
        var state = await _state.UpdateDesktopAsync(
            desktopId,
            held => held.Revocation is { } revocation
                ? held with
                {
                    Revocation = revocation with
                    {
                        PushAttempts = revocation.PushAttempts + 1,
                        NextAttemptAt = _time.GetUtcNow() + Backoff.Delay(revocation.PushAttempts, _options.ReconnectMinDelay, _options.ReconnectMaxDelay, Random.Shared),
                    },
                }
                : held,
            cancellationToken).ConfigureAwait(false);
        return state.ById(desktopId)?.Revocation;
    }

    /// <summary>Stops the VM (graceful, then forced after the stop timeout), closes the copy and seals its top if the VM wrote to it.</summary>
    private async Task<LocalDesktopRecord?> StopAndSealAsync(LocalDesktopRecord record, DesktopLive live, CancellationToken cancellationToken)
    {
        if (live.Runtime is { } runtime)
        {
            live.Runtime = null;
            try
            {
                await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
            }
        }

        var store = await OpenChainAsync(record, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            await store.SealWrittenTopAsync(cancellationToken).ConfigureAwait(false);
        }

        var state = await _state.UpdateDesktopAsync(record.DesktopId, held => held.Phase == DesktopPhase.Revoking ? held with { Phase = DesktopPhase.Quarantining } : held, cancellationToken).ConfigureAwait(false);
        return state.ById(record.DesktopId);
    }

    /// <summary>
    /// Folds the unsynced layers into one and pushes it under the revoked epoch. Returns the settled
    /// outcome: nothing unsynced, quarantined, or kept after a refusal.
    /// </summary>
    /// <exception cref="ClientRefusedException">The broker or host cannot be reached (<see cref="ClientRefusal.BrokerUnreachable"/>): the push waits.</exception>
    private async Task<LocalRevocation> QuarantineAsync(LocalDesktopRecord record, LocalRevocation revocation, DesktopLive live, CancellationToken cancellationToken)
    {
        var store = await OpenChainAsync(record, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var layer = await store.FoldUnsyncedAsync(record.HostLayers, cancellationToken).ConfigureAwait(false);
            var bytes = layer is null ? 0 : await store.PresentBytesAsync(layer, cancellationToken).ConfigureAwait(false);
            revocation = revocation with { UnsyncedBytes = bytes };
            if (bytes == 0)
            {
                return revocation;
            }

            try
            {
                var ticket = await _broker.IssueTicketAsync(Enrollment(), record.DesktopId, TransferDirection.Push, revocation.RevokedEpoch, cancellationToken).ConfigureAwait(false);
                using var limiter = SyncLimiter();
                var pusher = PusherFor(record, ticket, limiter);
                _ = await pusher.PushAsync(store, layer!.Id, revocation.RevokedEpoch, new Progress<MeasuredProgress>(report => live.Transfer = report), cancellationToken).ConfigureAwait(false);
                return revocation with { Quarantined = true };
            }
            catch (ClientRefusedException refused) when (refused.Reason != ClientRefusal.BrokerUnreachable)
            {
                return revocation with { KeptReason = refused.Message };
            }
            catch (RpcException refused) when (IsRefusal(refused))
            {
                return revocation with { KeptReason = $"The host refused them ({refused.StatusCode}): {refused.Status.Detail}" };
            }
            catch (Exception exception) when (exception is RpcException or HttpRequestException or IOException)
            {
                throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"The host cannot be reached ({exception.Message}).", exception);
            }
        }
    }

    /// <summary>Wipes the copy when the command asked for it and no refusal keeps the changes here; else keeps it read-only with the outcome.</summary>
    private async Task SettleRevocationAsync(LocalDesktopRecord record, LocalRevocation revocation, DesktopLive live, CancellationToken cancellationToken)
    {
        if (revocation.Wipe && revocation.KeptReason is null)
        {
            await ReleaseAsync(record, cancellationToken).ConfigureAwait(false);
            live.Message = $"{revocation.Note()} The local copy is wiped.";
            return;
        }

        _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held with { Phase = DesktopPhase.Revoked, Revocation = revocation }, cancellationToken).ConfigureAwait(false);
        live.Message = null;
    }

    private Task<LayerStore> OpenChainAsync(LocalDesktopRecord record, CancellationToken cancellationToken) =>
        LayerStore.OpenAsync(FileStorage.Instance, DesktopPaths.Of(_options.DataDirectory, record.DesktopId).Chain, _time, cancellationToken);

    /// <summary>Whether the host turned the push down for good (as opposed to being unreachable or busy now).</summary>
    private static bool IsRefusal(RpcException exception) => exception.StatusCode switch
    {
        StatusCode.FailedPrecondition => TransferRejections.ReasonOf(exception) != TransferRejection.HostBusy,
        StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.Unimplemented => true,
        _ => false,
    };
}
