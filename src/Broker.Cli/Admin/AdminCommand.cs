using System.CommandLine;

namespace Broker.Cli.Admin;

/// <summary><c>brokerctl admin</c>: a thin client of the broker's REST API <c>/api/v1</c>.</summary>
internal static class AdminCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var context = new AdminContext(environment);
        return new Command("admin", "Administer a broker through its REST API. Exit codes: 0 done, 1 refused/not found/conflict, 2 bad usage or no connection.")
        {
            context.Server,
            context.Token,
            context.Json,
            LoginCommands.Login(context),
            LoginCommands.Logout(context),
            ImagesCommand.Create(context),
            PoolsCommand.Create(context),
            HostsCommand.Create(context),
            DesktopsCommand.Create(context),
            TokensCommand.Create(context),
            UsersCommand.Create(context),
            GroupsCommand.Create(context),
            AuditCommand.Create(context),
        };
    }
}
