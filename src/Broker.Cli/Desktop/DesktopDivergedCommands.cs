using System.CommandLine;
using Broker.Cli.Admin;
using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Cli.Desktop;

/// <summary>
/// <c>desktop diverged NAME</c> lists the local branches a resync set aside because they diverged
/// from the server's chain; <c>desktop discard NAME (BRANCH | --all)</c> deletes them.
/// </summary>
internal static class DesktopDivergedCommands
{
    private static readonly string[] Headers = ["BRANCH", "LAYERS", "BYTES", "LAST WRITTEN", "PATH"];

    public static Command List(CliEnvironment environment, Option<string?> socket, Option<bool> json)
    {
        var desktop = DesktopArgument();
        var command = new Command("diverged", "List the local branches set aside because they diverged from the server's chain (changes the server never received).") { desktop };
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var name = parseResult.GetRequiredValue(desktop);
            var list = await agent.DivergedAsync(new DesktopRequest { Desktop = name }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await PrintAsync(Output(environment, parseResult, json), name, list).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Discard(CliEnvironment environment, Option<string?> socket, Option<bool> json)
    {
        var desktop = DesktopArgument();
        var branch = new Argument<string?>("branch") { Description = "The branch to delete, as 'diverged' lists it (e.g. diverged-001).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Delete every diverged branch of the desktop." };
        var command = new Command("discard", "Delete diverged local branches for good (what they hold never reached the server).") { desktop, branch, all };
        command.Validators.Add(result =>
        {
            if (result.GetValue(all) == (result.GetValue(branch) is not null))
            {
                result.AddError("Name one branch to discard, or give --all.");
            }
        });
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var name = parseResult.GetRequiredValue(desktop);
            var request = new DiscardDivergedRequest { Desktop = name, Branch = parseResult.GetValue(branch) ?? string.Empty, All = parseResult.GetValue(all) };
            var left = await agent.DiscardDivergedAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            await PrintAsync(Output(environment, parseResult, json), name, left).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Argument<string> DesktopArgument() => new("desktop") { Description = "The desktop's name or id." };

    private static AdminOutput Output(CliEnvironment environment, ParseResult parseResult, Option<bool> json) =>
        new(environment.Out, parseResult.GetValue(json), environment.Admin.OutputIsTerminal);

    private static async Task PrintAsync(AdminOutput output, string desktop, DivergedBranchList list)
    {
        if (output.Json)
        {
            await output.WriteJsonAsync(JsonFormatter.Default.Format(list)).ConfigureAwait(false);
        }
        else if (list.Branches.Count == 0)
        {
            await output.WriteLineAsync($"{desktop}: no diverged branches").ConfigureAwait(false);
        }
        else
        {
            await output.WriteTableAsync(Headers, list.Branches.Select(kept => (IReadOnlyList<string>)
                [kept.Name, Formats.Number(kept.Layers), Formats.Number((long)kept.Bytes), Formats.Time(kept.LastWrittenAt?.ToDateTimeOffset()), kept.Path])).ConfigureAwait(false);
        }
    }
}
