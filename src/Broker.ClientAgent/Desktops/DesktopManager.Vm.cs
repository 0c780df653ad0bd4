using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Disks.Layers;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Desktops;

/// <summary>Running the desktop locally.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>Starts the VM, or resumes one paused for its lease; refused while pulling, after a revoke, when the lease has lapsed or the clock went back.</summary>
    public async Task<DesktopStatus> StartAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        var live = LiveOf(record.DesktopId);
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RequireRunnable(record);
            switch (await _lease.JudgeAsync(record, cancellationToken).ConfigureAwait(false))
            {
                case LeaseVerdict.Expired:
                    throw new ClientRefusedException(ClientRefusal.LeaseExpired, $"The offline lease of '{record.Name}' has lapsed; connect to the broker so it can be renewed, then start again.");
                case LeaseVerdict.ClockRolledBack:
                    throw new ClientRefusedException(ClientRefusal.ClockRolledBack, "This machine's clock is behind a time the agent already saw; fix the clock or connect to the broker, then start again.");
                case LeaseVerdict.Valid:
                case LeaseVerdict.ExpiringSoon:
                    break;
            }

            var runtime = await RuntimeOfAsync(record, live, cancellationToken).ConfigureAwait(false);
            var resuming = runtime.Paused;
            await runtime.StartAsync(record.Name, _options, _time, cancellationToken).ConfigureAwait(false);
            if (resuming)
            {
                live.Message = null; // the lease that paused it is good again
            }
        }
        finally
        {
            _ = live.Gate.Release();
        }

        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the VM: graceful, then forced after <see cref="ClientAgentOptions.StopTimeout"/>.</summary>
    public async Task<DesktopStatus> StopAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        var live = LiveOf(record.DesktopId);
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (live.Runtime is { } runtime)
            {
                await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _ = live.Gate.Release();
        }

        return await StatusAsync(record.DesktopId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the VM powers off by itself.</summary>
    public Task WaitForPowerOffAsync(string desktop, CancellationToken cancellationToken) =>
        LiveOf(Find(desktop).DesktopId).Runtime?.WaitForExitAsync(cancellationToken) ?? Task.CompletedTask;

    private static void RequireRunnable(LocalDesktopRecord record)
    {
        switch (record.Phase)
        {
            case DesktopPhase.Ready:
                break;
            case DesktopPhase.Revoking or DesktopPhase.Quarantining or DesktopPhase.Revoked:
                throw new ClientRefusedException(ClientRefusal.Revoked, $"'{record.Name}' was revoked by an administrator; it cannot run on this device.");
            case DesktopPhase.Requested:
            case DesktopPhase.Pulling:
            case DesktopPhase.Paused:
            case DesktopPhase.Pulled:
                throw new ClientRefusedException(ClientRefusal.WrongPhase, $"'{record.Name}' is still being checked out ({record.Phase}); wait until it is ready.");
            default:
                throw new ClientRefusedException(ClientRefusal.WrongPhase, $"'{record.Name}' is being checked in ({record.Phase}).");
        }
    }

    /// <summary>The open runtime of a pulled desktop, opening and serving its chain when needed (after a restart). Call under the gate.</summary>
    private async Task<DesktopRuntime> RuntimeOfAsync(LocalDesktopRecord record, DesktopLive live, CancellationToken cancellationToken)
    {
        if (live.Runtime is { } open)
        {
            return open;
        }

        var paths = DesktopPaths.Of(_options.DataDirectory, record.DesktopId);
        var store = await LayerStore.OpenAsync(FileStorage.Instance, paths.Chain, _time, cancellationToken).ConfigureAwait(false);
        live.Runtime = await DesktopRuntime.ServeAsync(store, paths, cancellationToken).ConfigureAwait(false);
        await SettleMergeAsync(record, live.Runtime, cancellationToken).ConfigureAwait(false);
        return live.Runtime;
    }
}
