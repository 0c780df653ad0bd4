using System.CommandLine;

namespace Broker.Cli.Admin;

/// <summary><c>admin groups</c>: the groups with their members, paged like the API.</summary>
internal static class GroupsCommand
{
    public static Command Create(AdminContext context)
    {
        var skip = new Option<int>("--skip") { Description = "Groups to skip (by name order)." };
        var take = new Option<int>("--take") { Description = "Groups to show (1 to 1000).", DefaultValueFactory = _ => 100 };
        var command = new Command("groups", "List groups by name with their members (manage them with 'users group add|remove').") { skip, take };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListGroupsAsync(parseResult.GetValue(skip), parseResult.GetValue(take), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, page => output.WriteTableAsync(
                ["GROUP", "MEMBERS"],
                page.Items.Select(group => new[] { group.Name, string.Join(',', group.Members.Select(member => member.UserName)) }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
