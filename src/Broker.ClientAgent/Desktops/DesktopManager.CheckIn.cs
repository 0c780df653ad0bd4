using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Broker.Hosting;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// Check-in: the request to the broker, then (on BEGIN_CHECK_IN) stop the VM, seal, report
/// FINAL_UPLOAD_STARTED and wait for the broker to accept it, push what the host lacks; the broker's
/// RELEASE_LOCAL_COPY, once the host committed the final layer, releases the copy.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>The broker's state name of a desktop whose final upload it accepted.</summary>
    private static readonly string[] UploadAcceptedStates = ["Uploading", "Committing"];

    /// <summary>Asks the broker to check <paramref name="desktop"/> in; asking again while the check-in is under way answers its status.</summary>
    public async Task<DesktopStatus> CheckInAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        if (record.Phase is not (DesktopPhase.CheckInRequested or DesktopPhase.CheckingIn or DesktopPhase.Uploading or DesktopPhase.Uploaded))
        {
            RequireRunnable(record);
            RequireNoDivergedBranches(record);
            _ = await _broker.RequestCheckInAsync(Enrollment(), record.DesktopId, record.Epoch, cancellationToken).ConfigureAwait(false);
            _ = await _state.UpdateDesktopAsync(record.DesktopId, held => held.Phase == DesktopPhase.Ready ? held with { Phase = DesktopPhase.CheckInRequested } : held, cancellationToken).ConfigureAwait(false);
        }

        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// At every connection to the broker: sends again the reports durable state says it still needs
    /// (a pulled desktop waiting for its lease), tells it of check-outs cancelled meanwhile and
    /// resumes check-ins and revokes that stopped. An uploaded check-in still waiting for its commit
    /// pushes its final layer again, so the host announces it again should that have been lost.
    /// </summary>
    public void ResumeBrokerWork()
    {
        _ = TellCancellationsAsync();
        foreach (var desktop in _state.Current.Desktops)
        {
            if (desktop.Phase == DesktopPhase.Pulled)
            {
                ReportTransferCompleted(desktop);
            }
            else if (desktop.Phase is DesktopPhase.CheckingIn or DesktopPhase.Uploading or DesktopPhase.Uploaded)
            {
                BeginCheckIn(desktop.DesktopId);
            }
            else if (desktop.Phase is DesktopPhase.Revoking or DesktopPhase.Quarantining)
            {
                BeginRevocation(desktop.DesktopId);
            }
        }
    }

    private void BeginCheckIn(string desktopId)
    {
        var live = LiveOf(desktopId);
        _ = live.CheckIn.TryStart(cancellationToken => CheckInWorkAsync(desktopId, live, cancellationToken));
    }

    /// <summary>
    /// Carries the check-in as far as durable state allows; while the host or broker cannot be
    /// reached it tries again with backoff (<see cref="ClientAgentOptions.ReconnectMinDelay"/> to
    /// <see cref="ClientAgentOptions.ReconnectMaxDelay"/>): a host that restarts while the broker's
    /// stream stays up brings no new connection to resume it.
    /// </summary>
    private async Task CheckInWorkAsync(string desktopId, DesktopLive live, CancellationToken cancellationToken)
    {
        for (var attempt = 0; await CheckInStepAsync(desktopId, live, cancellationToken).ConfigureAwait(false); attempt++)
        {
            try
            {
                await Task.Delay(Backoff.Delay(attempt, _options.ReconnectMinDelay, _options.ReconnectMaxDelay, Random.Shared), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One attempt of <see cref="CheckInWorkAsync"/>; true when it stopped because the host or broker could not be reached.</summary>
    private async Task<bool> CheckInStepAsync(string desktopId, DesktopLive live, CancellationToken cancellationToken)
    {
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        live.Activity = DesktopActivity.CheckingIn;
        try
        {
            var record = _state.Current.ById(desktopId);
            if (record?.Phase == DesktopPhase.CheckingIn)
            {
                var runtime = await RuntimeOfAsync(record, live, cancellationToken).ConfigureAwait(false);
                await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
                _ = await runtime.SealAsync(cancellationToken).ConfigureAwait(false);
                ClientCrashPoints.CheckInSealed.Hit();
                await StartFinalUploadAsync(record, cancellationToken).ConfigureAwait(false);
                record = (await _state.UpdateDesktopAsync(desktopId, held => held.Phase == DesktopPhase.CheckingIn ? held with { Phase = DesktopPhase.Uploading } : held, cancellationToken).ConfigureAwait(false)).ById(desktopId);
            }

            if (record?.Phase is DesktopPhase.Uploading or DesktopPhase.Uploaded)
            {
                _ = await RuntimeOfAsync(record, live, cancellationToken).ConfigureAwait(false);
                await PushPendingAsync(record, live, DesktopActivity.CheckingIn, final: true, cancellationToken).ConfigureAwait(false);
                ClientCrashPoints.CheckInPushed.Hit();
                _ = await _state.UpdateDesktopAsync(desktopId, held => held.Phase == DesktopPhase.Uploading ? held with { Phase = DesktopPhase.Uploaded } : held, cancellationToken).ConfigureAwait(false);
                live.Message = "Every layer is at the host; waiting for the broker to commit the check-in.";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled (CANCEL_CHECK_IN, release, shutdown): what is durable stays.
        }
        catch (ClientRefusedException refused)
        {
            var unreachable = refused.Reason == ClientRefusal.BrokerUnreachable;
            live.Message = $"The check-in waits: {refused.Message} It goes on {(unreachable ? "by itself once they answer" : "at the next connection to the broker")}.";
            return unreachable;
        }
        finally
        {
            live.Activity = null;
            _ = live.Gate.Release();
        }

        return false;
    }

    /// <summary>Reports FINAL_UPLOAD_STARTED and waits until the broker accepted it (now, or before a lost connection).</summary>
    private async Task StartFinalUploadAsync(LocalDesktopRecord record, CancellationToken cancellationToken)
    {
        var report = new DesktopReport { DesktopId = record.DesktopId, Epoch = record.Epoch, Kind = DesktopReportKind.FinalUploadStarted };
        var ack = await _outbox.SendAsync(report, cancellationToken).ConfigureAwait(false);
        if (ack.Accepted)
        {
            return;
        }

        // Sent again after the stream broke, the report is refused when the broker had applied it: its state says.
        var desktops = await _broker.ListDesktopsAsync(Enrollment(), cancellationToken).ConfigureAwait(false);
        if (!desktops.Any(desktop => desktop.DesktopId == record.DesktopId && desktop.Epoch == record.Epoch && UploadAcceptedStates.Contains(desktop.State)))
        {
            throw new ClientRefusedException(ClientRefusal.NotEntitled, $"The broker refused the final upload ({ack.Reason}): {ack.Detail}");
        }
    }
}
