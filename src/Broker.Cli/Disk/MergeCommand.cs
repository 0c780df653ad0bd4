using System.CommandLine;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk merge CHILD [--force]</c>: commit a differencing child into its parent.</summary>
internal static class MergeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var child = DiskOptions.Path("CHILD", "The differencing file to merge; deleted once its parent holds all of it.");
        var force = new Option<bool>("--force")
        {
            Description = $"Merge even into a shared base: a parent PARENT is one when a file PARENT{VhdxSharedBase.MarkerSuffix} exists beside it.",
        };
        var command = new Command(
            "merge",
            "Merge a differencing child into its parent in place, then delete the child. Crash-safe: CHILD.merging records the merge, and running the command again finishes an interrupted one. "
            + $"Refuses a parent marked as a shared base (PARENT{VhdxSharedBase.MarkerSuffix} exists) unless --force; children of CHILD are left without a parent.")
        {
            child,
            force,
        };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var childPath = parseResult.GetRequiredValue(child);
            var options = new VhdxMergeOptions { Force = parseResult.GetValue(force) };
            var result = await ProgressDisplay.RunAsync(environment, "merge", progress =>
                VhdxMerge.MergeAsync(environment.Storage, childPath, options, progress, cancellationToken)).ConfigureAwait(false);
            var resumed = result.Resumed ? " (finished an interrupted merge)" : string.Empty;
            await environment.Out.WriteLineAsync($"merged {DiskOptions.Human(result.BytesMerged)} of {childPath} into {result.ParentPath}{resumed}; {childPath} deleted").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
