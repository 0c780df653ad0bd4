using Broker.Contracts.V1;

namespace Broker.HostAgent.Desktops;

/// <summary>RESET_TO_IMAGE (floating pools, on release) and the schedule commands carry.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// Stops the VM and replaces the chain with a new empty top over the named image
    /// (<see cref="HostedDesktop.ReplaceChainAsync"/>); the new base is referenced before the switch,
    /// the old one released after it. Each reset has its own epoch, recorded with the switch, so a
    /// repeat (the broker re-sends until it hears RESET_COMPLETED) changes nothing and only reports
    /// completion again.
    /// </summary>
    private async Task<CommandOutcome> ResetAsync(HostedDesktop desktop, AgentCommand command, CancellationToken cancellationToken)
    {
        var resetId = $"epoch-{command.Epoch}";
        if (desktop.Record.LastReset == resetId)
        {
            if (desktop.Record.Epoch != command.Epoch)
            {
                await desktop.UpdateAsync(record => record with { Epoch = command.Epoch }, cancellationToken).ConfigureAwait(false);
            }

            Report(desktop, command.Epoch, DesktopReportKind.ResetCompleted, null);
            return CommandOutcome.NoOp("Already reset at this epoch.");
        }

        if (desktop.Record.Locked)
        {
            return CommandOutcome.Refused($"Desktop {desktop.Record.DesktopId} is checked out; its server copy is locked.");
        }

        if (Images.Resolve(command.ImageId, command.ContentAddress) is not { } image)
        {
            return CommandOutcome.Refused($"Image {command.ImageId} is not on this host yet; the broker offers it to every host (or import it with 'broker-host image import').");
        }

        await desktop.StopAsync().ConfigureAwait(false);
        var oldBase = desktop.Record.BaseAddress;
        var baseChanges = oldBase != image.Address;
        // The epoch first: once the record names the new chain a repeat does nothing, so nothing may follow the switch but the release.
        await desktop.UpdateAsync(record => record with { Epoch = command.Epoch, Snapshots = SnapshotSchedule.From(command.Retention) ?? record.Snapshots }, cancellationToken).ConfigureAwait(false);
        if (baseChanges)
        {
            _ = await Images.Bases.AddReferenceAsync(image.Address, cancellationToken).ConfigureAwait(false);
            HostCrashPoints.ResetReferenced.Hit();
        }

        await desktop.ReplaceChainAsync(image.Path, image.Address, resetId, cancellationToken).ConfigureAwait(false);
        HostCrashPoints.ResetSwitched.Hit();
        if (baseChanges)
        {
            _ = await Images.Bases.ReleaseAsync(oldBase, cancellationToken).ConfigureAwait(false);
        }

        Report(desktop, command.Epoch, DesktopReportKind.ResetCompleted, null);
        return CommandOutcome.Done;
    }

    /// <summary>Records the snapshot schedule <paramref name="command"/> carries, if it carries one that differs.</summary>
    private static async Task KeepScheduleAsync(HostedDesktop desktop, AgentCommand command, CancellationToken cancellationToken)
    {
        if (SnapshotSchedule.From(command.Retention) is { } schedule && schedule != desktop.Record.Snapshots)
        {
            await desktop.UpdateAsync(record => record with { Snapshots = schedule }, cancellationToken).ConfigureAwait(false);
        }
    }
}
