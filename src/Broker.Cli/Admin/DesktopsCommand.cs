using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary><c>admin desktops list|show|revoke|quarantine|promote|console|snapshots|restore</c> (also spelt <c>admin desktop</c>).</summary>
internal static class DesktopsCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("desktops", "Any desktop of any pool.")
        {
            List(context),
            Show(context),
            Revoke(context),
            Quarantine(context),
            Promote(context),
            DesktopConsoleCommand.Create(context),
            DesktopSnapshotCommands.Snapshots(context),
            DesktopSnapshotCommands.Restore(context),
        };
        command.Aliases.Add("desktop");
        return command;
    }

    private static Command List(AdminContext context)
    {
        var pool = new Option<string>("--pool") { Description = "Only desktops of this pool (id or name)." };
        var state = new Option<string>("--state") { Description = "Only desktops in this state (e.g. Running, CheckedOut)." };
        var skip = new Option<int>("--skip") { Description = "Skip this many matches (paging).", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = "Show at most this many (1-500).", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List desktops, a page at a time.") { pool, state, skip, take };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var poolId = parseResult.GetValue(pool) is { } reference ? await Lookup.PoolIdAsync(client, reference, cancellationToken).ConfigureAwait(false) : (Guid?)null;
            var reply = await client.ListDesktopsAsync(poolId, parseResult.GetValue(state), parseResult.GetValue(skip), parseResult.GetValue(take), cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, async page =>
            {
                await output.WriteTableAsync(
                    ["ID", "NAME", "STATE", "ASSIGNEE", "HOST", "EPOCH", "LAST SYNC"],
                    page.Items.Select(desktop => new[]
                    {
                        desktop.Id.ToString(), desktop.Name, desktop.State, desktop.Assignee ?? "-", desktop.HostId.ToString(), Formats.Number(desktop.Epoch), Formats.Time(desktop.LastSyncAt),
                    })).ConfigureAwait(false);
                if (page.Skip + page.Items.Count < page.Total)
                {
                    await context.Environment.Error.WriteLineAsync($"brokerctl: showing {page.Skip + 1}-{page.Skip + page.Items.Count} of {page.Total}; use --skip {page.Skip + page.Items.Count} for more.").ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var command = new Command("show", "Show a desktop.") { id };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.GetDesktopAsync(parseResult.GetValue(id), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, desktop => WriteDetailsAsync(output, desktop)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var epoch = new Option<long?>("--epoch") { Description = "The epoch you saw; refused if the desktop has moved on since." };
        var command = new Command("revoke", "Revoke a desktop's check-out: the server copy becomes authoritative again.") { id, epoch };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.RevokeDesktopAsync(parseResult.GetValue(id), parseResult.GetValue(epoch), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, desktop => output.WriteLineAsync($"revoked {desktop.Name} ({desktop.Id}): now {desktop.State}, epoch {desktop.Epoch}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Quarantine(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var command = new Command("quarantine", "List the layers a revoked device pushed late, which the host keeps beside the chain.") { id };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListQuarantineAsync(parseResult.GetValue(id), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, layers => output.WriteTableAsync(
                ["LAYER", "PARENT", "DEVICE", "REVOKED EPOCH", "SIZE", "RECEIVED", "STATUS"],
                layers.Select(layer => new[]
                {
                    layer.LayerId.ToString(), layer.ParentLayerId?.ToString() ?? "-", layer.DeviceId.ToString(), Formats.Number(layer.RevokedEpoch),
                    Formats.Number(layer.SizeBytes), Formats.Time(layer.ReceivedAt), Status(layer),
                }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Promote(AdminContext context)
    {
        var id = new Argument<Guid>("DESKTOP") { Description = "The desktop's id." };
        var layer = new Argument<Guid>("LAYER") { Description = "The quarantined layer's id (see 'quarantine')." };
        var command = new Command("promote", "Run the desktop on from a quarantined layer; its current chain is kept as a branch. Not while checked out.") { id, layer };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.PromoteAsync(parseResult.GetValue(id), parseResult.GetValue(layer), cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, promoted => output.WriteLineAsync(
                $"promotion of layer {promoted.LayerId} sent to the host of desktop {promoted.DesktopId}; 'quarantine' shows when it is done")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Status(QuarantinedLayerInfo layer) =>
        layer.PromotedAt is { } promoted ? $"promoted {Formats.Time(promoted)}"
        : layer.PromoteRequestedAt is { } requested ? $"promotion asked {Formats.Time(requested)}"
        : "kept";

    private static Task WriteDetailsAsync(AdminOutput output, DesktopInfo desktop) => output.WriteFieldsAsync(
    [
        ("id", desktop.Id.ToString()),
        ("name", desktop.Name),
        ("pool", desktop.PoolId.ToString()),
        ("state", desktop.State),
        ("epoch", Formats.Number(desktop.Epoch)),
        ("assignee", desktop.Assignee ?? "-"),
        ("host", desktop.HostId.ToString()),
        ("image", desktop.ImageId.ToString()),
        ("device", desktop.DeviceId?.ToString() ?? "-"),
        ("server copy locked", Formats.YesNo(desktop.ServerCopyLocked)),
        ("lease expires", Formats.Time(desktop.LeaseExpiresAt)),
        ("transfer paused", Formats.YesNo(desktop.TransferPaused)),
        ("last sync", Formats.Time(desktop.LastSyncAt)),
        ("version", Formats.Number(desktop.Version)),
    ]);
}
