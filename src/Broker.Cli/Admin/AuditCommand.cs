using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary><c>admin audit</c>: who changed what and when, newest first.</summary>
internal static class AuditCommand
{
    /// <summary>Entries shown unless <c>--take</c> says otherwise.</summary>
    public const int DefaultTake = 50;

    public static Command Create(AdminContext context)
    {
        var actor = new Option<string?>("--actor") { Description = "Entries by this actor, as logged (a user id, host:ID, device:ID, system)." };
        var target = new Option<string?>("--target") { Description = "Entries about this object, as KIND:ID (e.g. desktop:…)." };
        var action = new Option<string?>("--action") { Description = "Entries with this action (host.drained), or of a family ending with a dot (host.)." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Entries at or after this time (ISO 8601; UTC unless an offset is given)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Entries before this time." };
        var skip = new Option<int>("--skip") { Description = "Skip this many newest matches (paging).", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = "Show at most this many (1-1000).", DefaultValueFactory = _ => DefaultTake };
        var command = new Command("audit", "Show the audit log, newest first.") { actor, target, action, from, to, skip, take };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var filter = new AuditFilter(
                parseResult.GetValue(actor), parseResult.GetValue(target), parseResult.GetValue(action), parseResult.GetValue(from), parseResult.GetValue(to), parseResult.GetValue(skip), parseResult.GetValue(take));
            var reply = await client.QueryAuditAsync(filter, cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, entries => output.WriteTableAsync(
                ["AT", "ACTOR", "ACTION", "TARGET", "OK", "DETAIL"],
                entries.Select(entry => new[] { Formats.Time(entry.At), entry.Actor, entry.Action, entry.Target, Formats.YesNo(entry.Succeeded), entry.Detail }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
