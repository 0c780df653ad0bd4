using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>admin desktop snapshots DESKTOP</c>: the desktop's snapshots as its host lists them;
/// <c>admin desktop restore DESKTOP --snapshot LAYER [--wait]</c>: restore it to one of them.
/// </summary>
internal static class DesktopSnapshotCommands
{
    /// <summary>The state a desktop is in from the restore request until its host reports it done.</summary>
    public const string RollingBack = "RollingBack";

    /// <summary>The state a finished restore leaves the desktop in.</summary>
    public const string Available = "Available";

    /// <summary>How often <c>--wait</c> asks whether the restore is done.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Snapshots(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var command = new Command("snapshots", "List a desktop's snapshots (sealed layers) as its host keeps them, oldest first.") { id };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListSnapshotsAsync(parseResult.GetValue(id), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, snapshots => output.WriteTableAsync(
                ["LAYER", "SEALED", "SIZE", "PARENT", "WHERE"],
                snapshots.Select(snapshot => new[]
                {
                    snapshot.LayerId.ToString(), Formats.Time(snapshot.SealedAt), Formats.Number(snapshot.SizeBytes),
                    snapshot.ParentLayerId?.ToString() ?? "base", Where(snapshot),
                }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Restore(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var snapshot = new Option<Guid>("--snapshot") { Description = "The layer to restore to (see 'snapshots').", Required = true };
        var wait = new Option<bool>("--wait") { Description = "Wait until the host has restored it (Ctrl-C stops waiting, not the restore)." };
        var command = new Command("restore", "Restore a desktop to a snapshot: its VM stops and runs on from that layer; the current disk is kept on the host as a branch.")
        {
            id, snapshot, wait,
        };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.RestoreAsync(parseResult.GetValue(id), parseResult.GetValue(snapshot), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, desktop => output.WriteLineAsync(
                $"restore of {desktop.Name} ({desktop.Id}) to {parseResult.GetValue(snapshot)} sent to its host: now {desktop.State}")).ConfigureAwait(false);
            if (!parseResult.GetValue(wait))
            {
                return ExitCodes.Success;
            }

            var final = await WaitAsync(client, reply.Value, cancellationToken).ConfigureAwait(false);
            await context.Environment.Error.WriteLineAsync($"brokerctl: {final.Name} is {final.State}.").ConfigureAwait(false);
            return final.State switch
            {
                Available => ExitCodes.Success,
                RollingBack => ExitCodes.Cancelled,
                _ => ExitCodes.ProblemFound,
            };
        });
        return command;
    }

    /// <summary>Polls the desktop until it leaves <see cref="RollingBack"/>; on Ctrl-C, the last state seen.</summary>
    private static async Task<DesktopInfo> WaitAsync(BrokerApiClient client, DesktopInfo desktop, CancellationToken cancellationToken)
    {
        try
        {
            while (desktop.State == RollingBack)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                desktop = (await client.GetDesktopAsync(desktop.Id, cancellationToken).ConfigureAwait(false)).Value;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped waiting; the restore goes on.
        }

        return desktop;
    }

    private static string Where(SnapshotInfo snapshot) =>
        snapshot.IsTopParent ? "current" : snapshot.OnBranch ? "branch" : "chain";
}
