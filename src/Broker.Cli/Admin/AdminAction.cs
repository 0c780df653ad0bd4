using System.CommandLine;
using Broker.Cli.Admin.Api;
using Broker.Cli.Disk;

namespace Broker.Cli.Admin;

/// <summary>
/// Runs an admin command: a refusal by the broker prints its one line and exits 1 (2 when the
/// broker found the input itself invalid); everything else, connection errors included, ends as
/// every brokerctl command does (<see cref="CommandAction"/>: one line, exit 2).
/// </summary>
internal static class AdminAction
{
    public static void Set(Command command, AdminContext context, Func<ParseResult, CancellationToken, Task<int>> work) =>
        CommandAction.Set(command, context.Environment, async (parseResult, cancellationToken) =>
        {
            try
            {
                return await work(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiRefusedException refused)
            {
                await context.Environment.Error.WriteLineAsync($"brokerctl: {refused.Message}").ConfigureAwait(false);
                return refused.IsBadInput ? ExitCodes.BadInput : ExitCodes.ProblemFound;
            }
        });

    /// <summary>Sets <paramref name="command"/> to run <paramref name="work"/> with a client for the server and token in effect.</summary>
    public static void SetWithClient(Command command, AdminContext context, Func<BrokerApiClient, ParseResult, CancellationToken, Task<int>> work) =>
        Set(command, context, async (parseResult, cancellationToken) =>
        {
            using var client = await context.ConnectAsync(parseResult, cancellationToken).ConfigureAwait(false);
            return await work(client, parseResult, cancellationToken).ConfigureAwait(false);
        });
}
