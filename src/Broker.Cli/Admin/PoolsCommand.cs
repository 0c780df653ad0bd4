using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary><c>admin pools list|show|create|update|resize|entitle|unentitle</c>. A POOL is its id or its name.</summary>
internal static class PoolsCommand
{
    public static Command Create(AdminContext context) => new("pools", "Desktop pools and who is entitled to them.")
    {
        List(context),
        Show(context),
        PoolEditCommands.Create(context),
        PoolEditCommands.Update(context),
        PoolEditCommands.Resize(context),
        EntitlementCommands.Entitle(context),
        EntitlementCommands.Unentitle(context),
    };

    public static Argument<string> PoolArgument() => new("POOL") { Description = "The pool's id or name." };

    /// <summary>Prints a pool as <c>pools show</c> does, or just its one-line summary.</summary>
    public static Task WriteSummaryAsync(AdminOutput output, string verb, PoolInfo pool) =>
        output.WriteLineAsync($"{verb} pool {pool.Name} ({pool.Id}): {pool.Kind.ToLowerInvariant()}, {pool.DesiredSize} desktops, version {pool.Version}"
            + (pool.Unplaced is > 0 ? $"; {pool.Unplaced} desktops found no host with free capacity" : string.Empty));

    private static Command List(AdminContext context)
    {
        var command = new Command("list", "List pools.");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListPoolsAsync(cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, pools => output.WriteTableAsync(
                ["ID", "NAME", "KIND", "SIZE", "OFFLINE", "IMAGE", "VERSION"],
                pools.Select(pool => new[]
                {
                    pool.Id.ToString(), pool.Name, pool.Kind.ToLowerInvariant(), Formats.Number(pool.DesiredSize),
                    Formats.YesNo(pool.Offline.Allowed), pool.ImageId.ToString(), Formats.Number(pool.Version),
                }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(AdminContext context)
    {
        var pool = PoolArgument();
        var command = new Command("show", "Show a pool, its offline policy and its entitlements. With --json: {\"pool\": …, \"entitlements\": […]} as the API gives them.") { pool };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var id = await Lookup.PoolIdAsync(client, parseResult.GetRequiredValue(pool), cancellationToken).ConfigureAwait(false);
            var found = await client.GetPoolAsync(id, cancellationToken).ConfigureAwait(false);
            var entitlements = await client.ListEntitlementsAsync(id, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            if (output.Json)
            {
                await output.WriteJsonAsync($"{{\"pool\":{found.Json},\"entitlements\":{entitlements.Json}}}").ConfigureAwait(false);
            }
            else
            {
                await WriteDetailsAsync(output, found.Value, entitlements.Value).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Task WriteDetailsAsync(AdminOutput output, PoolInfo pool, List<EntitlementInfo> entitlements)
    {
        var offline = pool.Offline;
        return output.WriteFieldsAsync(
        [
            ("id", pool.Id.ToString()),
            ("name", pool.Name),
            ("kind", pool.Kind.ToLowerInvariant()),
            ("image", pool.ImageId.ToString()),
            ("desired size", Formats.Number(pool.DesiredSize)),
            ("version", Formats.Number(pool.Version)),
            ("offline allowed", Formats.YesNo(offline.Allowed)),
            ("lease days", Formats.Number(offline.LeaseDays)),
            ("heartbeat seconds", Formats.Number(offline.HeartbeatSeconds)),
            ("sync minutes", Formats.Number(offline.SyncIntervalMinutes)),
            ("user may defer sync", Formats.YesNo(offline.UserMayDeferSync)),
            ("snapshot every (minutes)", Formats.Number(offline.SnapshotIntervalMinutes)),
            ("retain hourly/daily/weekly", $"{Formats.Number(offline.RetainHourly)}/{Formats.Number(offline.RetainDaily)}/{Formats.Number(offline.RetainWeekly)}"),
            ("wipe on revoke", Formats.YesNo(offline.WipeOnRevoke)),
            ("entitled", entitlements.Count == 0 ? "nobody" : string.Join(", ", entitlements.Select(entitlement => $"{entitlement.Kind.ToLowerInvariant()}:{entitlement.Id}"))),
        ]);
    }
}
