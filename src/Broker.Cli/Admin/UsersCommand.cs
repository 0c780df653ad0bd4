using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary><c>admin users list|create|group add|group remove</c> (also <c>admin user …</c>): the broker's accounts and their groups.</summary>
internal static class UsersCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("users", "Accounts that sign in to the portal, the API and client agents.")
        {
            List(context),
            CreateUser(context),
            UserGroupCommands.Create(context),
        };
        command.Aliases.Add("user");
        return command;
    }

    private static Command List(AdminContext context)
    {
        var command = new Command("list", "List accounts with their roles and groups.");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListUsersAsync(cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, users => output.WriteTableAsync(
                ["ID", "NAME", "GROUPS", "ROLES"],
                users.Select(user => new[] { user.Id, user.UserName, string.Join(',', user.Groups ?? []), string.Join(',', user.Roles) }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateUser(AdminContext context)
    {
        var name = new Option<string>("--name") { Description = "The new account's user name.", Required = true };
        var role = new Option<string>("--role") { Description = "Admin or User (default User).", DefaultValueFactory = _ => "User" };
        role.AcceptOnlyFromAmong("Admin", "User");
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };
        var command = new Command("create", "Create an account with a password; a taken name is refused.") { name, role, passwordStdin };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var password = LoginCommands.ReadPassword(context.Environment.Admin, parseResult.GetValue(passwordStdin));
            var request = new UserRequest(parseResult.GetRequiredValue(name), password, parseResult.GetRequiredValue(role));
            var output = context.Output(parseResult);
            var reply = await client.CreateUserAsync(request, cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, user => output.WriteLineAsync($"user {user.UserName} ({user.Id}) created as {string.Join(',', user.Roles)}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
