using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>pools entitle|unentitle POOL --user U | --group G</c>. The broker stores a user by id:
/// <c>entitle</c> takes a user name or id, <c>unentitle</c> the id as <c>pools show</c> lists it.
/// </summary>
internal static class EntitlementCommands
{
    public static Command Entitle(AdminContext context)
    {
        var (command, pool, principal) = Define("entitle", "Let a user or a group use a pool.", "A user name or id.");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var id = await Lookup.PoolIdAsync(client, parseResult.GetRequiredValue(pool), cancellationToken).ConfigureAwait(false);
            var reply = await client.EntitleAsync(id, principal(parseResult), cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, added => output.WriteLineAsync($"entitled {added.Kind.ToLowerInvariant()} {added.Id} to pool {id}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Unentitle(AdminContext context)
    {
        var (command, pool, principal) = Define("unentitle", "Take a pool away from a user or a group.", "The user's id as 'pools show' lists it.");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var id = await Lookup.PoolIdAsync(client, parseResult.GetRequiredValue(pool), cancellationToken).ConfigureAwait(false);
            var entitlement = principal(parseResult);
            await client.UnentitleAsync(id, entitlement, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            if (!output.Json)
            {
                await output.WriteLineAsync($"removed {entitlement.Kind.ToLowerInvariant()} {entitlement.Id} from pool {id}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The command with its POOL argument and exactly one of <c>--user</c> and <c>--group</c>, read as an entitlement.</summary>
    private static (Command Command, Argument<string> Pool, Func<ParseResult, EntitlementInfo> Principal) Define(string name, string description, string userDescription)
    {
        var pool = PoolsCommand.PoolArgument();
        var user = new Option<string>("--user") { Description = userDescription };
        var group = new Option<string>("--group") { Description = "A group id." };
        var command = new Command(name, description) { pool, user, group };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(user) is null) == (result.GetResult(group) is null))
            {
                result.AddError("give exactly one of --user and --group.");
            }
        });
        return (command, pool, parseResult => parseResult.GetValue(user) is { } userId
            ? new EntitlementInfo("User", userId)
            : new EntitlementInfo("Group", parseResult.GetRequiredValue(group)));
    }
}
