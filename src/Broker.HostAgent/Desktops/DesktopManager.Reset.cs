using Broker.Contracts.V1;

namespace Broker.HostAgent.Desktops;

/// <summary>RESET_TO_IMAGE (floating pools, on release) and the schedule commands carry.</summary>
internal sealed partial class DesktopManager
{
    /// <summary>
    /// Stops the VM and replaces the chain with a new empty top over the named image
    /// (<see cref="HostedDesktop.ReplaceChainAsync"/>); the new base is referenced before the switch,
    /// the old one released after it. A repeat of the same command (its id) changes nothing. The
    /// broker expects no report: it applied the reset when it sent it.
    /// </summary>
    private async Task<CommandOutcome> ResetAsync(HostedDesktop desktop, AgentCommand command, CancellationToken cancellationToken)
    {
        if (desktop.Record.LastReset == command.CommandId)
        {
            return CommandOutcome.NoOp("Already reset.");
        }

        if (desktop.Record.Locked)
        {
            return CommandOutcome.Refused($"Desktop {desktop.Record.DesktopId} is checked out; its server copy is locked.");
        }

        if (Images.Resolve(command.ImageId) is not { } image)
        {
            return CommandOutcome.Refused($"Image {command.ImageId} is not on this host; import it with 'broker-host image import'.");
        }

        await desktop.StopAsync().ConfigureAwait(false);
        var oldBase = desktop.Record.BaseAddress;
        var baseChanges = oldBase != image.Address;
        if (baseChanges)
        {
            _ = await Images.Bases.AddReferenceAsync(image.Address, cancellationToken).ConfigureAwait(false);
        }

        await desktop.ReplaceChainAsync(image.Path, image.Address, command.CommandId, cancellationToken).ConfigureAwait(false);
        await desktop.UpdateAsync(record => record with { Epoch = command.Epoch, Snapshots = SnapshotSchedule.From(command.Retention) ?? record.Snapshots }, cancellationToken).ConfigureAwait(false);
        if (baseChanges)
        {
            _ = await Images.Bases.ReleaseAsync(oldBase, cancellationToken).ConfigureAwait(false);
        }

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
