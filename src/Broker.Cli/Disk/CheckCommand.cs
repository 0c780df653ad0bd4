using System.CommandLine;
using System.Globalization;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk check PATH [--repair]</c>: like <c>qemu-img check</c>; exit 1 when a problem remains.</summary>
internal static class CheckCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file.");
        var repair = new Option<bool>("--repair")
        {
            Description = "Repair what can be repaired: replay a dirty log, rewrite a damaged header or region table copy, clear reserved BAT offsets, cut unused space off the end.",
        };
        var command = new Command("check", "Check a VHDX file's structures. Exit 0 when clean, 1 when a problem is found (after --repair: when one remains).") { path, repair };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var target = parseResult.GetRequiredValue(path);
            if (!environment.Storage.FileExists(target))
            {
                throw new UsageException($"'{target}' does not exist.");
            }

            var result = await VhdxFile.CheckAsync(environment.Storage, target, cancellationToken).ConfigureAwait(false);
            await WriteResultAsync(environment.Out, target, result).ConfigureAwait(false);
            if (parseResult.GetValue(repair) && (!result.IsClean || result.LeakedBytes > 0))
            {
                await RepairAsync(environment, target, cancellationToken).ConfigureAwait(false);
                result = await VhdxFile.CheckAsync(environment.Storage, target, cancellationToken).ConfigureAwait(false);
                await environment.Out.WriteLineAsync("after repair:").ConfigureAwait(false);
                await WriteResultAsync(environment.Out, target, result).ConfigureAwait(false);
            }

            return result.IsClean ? ExitCodes.Success : ExitCodes.ProblemFound;
        });
        return command;
    }

    private static async Task RepairAsync(CliEnvironment environment, string path, CancellationToken cancellationToken)
    {
        VhdxRepairResult repaired;
        try
        {
            repaired = await VhdxFile.RepairAsync(environment.Storage, path, cancellationToken).ConfigureAwait(false);
        }
        catch (VhdxFormatException exception)
        {
            await environment.Out.WriteLineAsync($"not repairable: {exception.Message}").ConfigureAwait(false);
            return;
        }

        if (!repaired.Changed)
        {
            await environment.Out.WriteLineAsync("nothing repairable").ConfigureAwait(false);
            return;
        }

        if (repaired.LogReplayed)
        {
            await environment.Out.WriteLineAsync("repaired: replayed the dirty log").ConfigureAwait(false);
        }

        if (repaired.HeaderRestored)
        {
            await environment.Out.WriteLineAsync("repaired: rewrote the damaged header copy").ConfigureAwait(false);
        }

        if (repaired.RegionTableRestored)
        {
            await environment.Out.WriteLineAsync("repaired: rewrote the damaged region table copy from the intact one").ConfigureAwait(false);
        }

        if (repaired.BatEntriesCleared > 0)
        {
            await environment.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"repaired: cleared {repaired.BatEntriesCleared} BAT entries whose file offset must be 0")).ConfigureAwait(false);
        }

        if (repaired.TruncatedBytes > 0)
        {
            await environment.Out.WriteLineAsync($"repaired: cut {DiskOptions.Human(repaired.TruncatedBytes)} of unused space off the end").ConfigureAwait(false);
        }
    }

    private static async Task WriteResultAsync(TextWriter output, string path, VhdxCheckResult result)
    {
        foreach (var problem in result.Problems)
        {
            var where = problem.FileOffset >= 0 ? string.Create(CultureInfo.InvariantCulture, $" at offset {problem.FileOffset}") : string.Empty;
            var severity = problem.Severity == VhdxCheckSeverity.Corruption ? "corruption" : "warning";
            await output.WriteLineAsync($"{severity}: {problem.Structure}{where}: {problem.Description}").ConfigureAwait(false);
        }

        if (result.LeakedBytes > 0)
        {
            await output.WriteLineAsync($"leaked: {DiskOptions.Human(result.LeakedBytes)} of file space used by nothing").ConfigureAwait(false);
        }

        await output.WriteLineAsync(result.IsClean
            ? $"{path}: no errors found"
            : string.Create(CultureInfo.InvariantCulture, $"{path}: {result.Problems.Count} problem(s) found")).ConfigureAwait(false);
    }
}
