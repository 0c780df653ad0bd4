using System.CommandLine;
using System.Net;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary><c>admin users group add|remove USER GROUP</c>: group membership, which group entitlements of pools name.</summary>
internal static class UserGroupCommands
{
    public static Command Create(AdminContext context) => new("group", "Put a user in a group or take them out; members get the pools the group is entitled to.")
    {
        Change(context, "add", "Put USER in GROUP (a new name makes a new group; a member already stays one).", member: true),
        Change(context, "remove", "Take USER out of GROUP.", member: false),
    };

    /// <summary>The id of the user <paramref name="reference"/>: a user's exact name, or else an id.</summary>
    public static async Task<string> UserIdAsync(BrokerApiClient client, string reference, CancellationToken cancellationToken)
    {
        var users = (await client.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Value;
        return users.SingleOrDefault(user => user.UserName == reference)?.Id
            ?? users.SingleOrDefault(user => user.Id == reference)?.Id
            ?? throw new ApiRefusedException(HttpStatusCode.NotFound, $"there is no user '{reference}'.");
    }

    private static Command Change(AdminContext context, string name, string description, bool member)
    {
        var user = new Argument<string>("USER") { Description = "The user's name or id." };
        var group = new Argument<string>("GROUP") { Description = "The group's name: letters, digits, '.', '-' and '_'." };
        var command = new Command(name, description) { user, group };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var userId = await UserIdAsync(client, parseResult.GetRequiredValue(user), cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            var reply = await client.SetGroupMembershipAsync(userId, parseResult.GetRequiredValue(group), member, cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, after => output.WriteLineAsync(
                $"user {after.UserName} is in groups: {(after.Groups.Count == 0 ? "none" : string.Join(',', after.Groups))}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
