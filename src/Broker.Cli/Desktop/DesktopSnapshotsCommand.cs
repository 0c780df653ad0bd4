using System.CommandLine;
using Broker.Cli.Admin;
using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Cli.Desktop;

/// <summary><c>desktop snapshots NAME</c>: the sealed layers of the local chain, oldest first, with when each was sealed and whether its host holds it.</summary>
internal static class DesktopSnapshotsCommand
{
    private static readonly string[] Headers = ["LAYER", "SEALED AT", "AT HOST"];

    public static Command Create(CliEnvironment environment, Option<string?> socket, Option<bool> json)
    {
        var desktop = new Argument<string>("desktop") { Description = "The desktop's name or id." };
        var command = new Command("snapshots", "List the sealed layers (snapshots) of a local desktop's chain.") { desktop };
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var list = await agent.SnapshotsAsync(new DesktopRequest { Desktop = parseResult.GetRequiredValue(desktop) }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var output = new AdminOutput(environment.Out, parseResult.GetValue(json), environment.Admin.OutputIsTerminal);
            if (output.Json)
            {
                await output.WriteJsonAsync(JsonFormatter.Default.Format(list)).ConfigureAwait(false);
            }
            else if (list.Snapshots.Count == 0)
            {
                await output.WriteLineAsync("no sealed layers: the desktop is not pulled yet, or its chain is not open").ConfigureAwait(false);
            }
            else
            {
                await output.WriteTableAsync(Headers, list.Snapshots.Select(snapshot => (IReadOnlyList<string>)
                    [snapshot.LayerId, Formats.Time(snapshot.SealedAt?.ToDateTimeOffset()), snapshot.Acknowledged ? "yes" : "no"])).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
