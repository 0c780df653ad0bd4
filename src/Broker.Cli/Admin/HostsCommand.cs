using System.CommandLine;

namespace Broker.Cli.Admin;

/// <summary><c>admin hosts list|add|drain|undrain</c>.</summary>
internal static class HostsCommand
{
    public static Command Create(AdminContext context) => new("hosts", "Hosts that run desktops.")
    {
        List(context),
        Add(context),
        Drain(context, draining: true),
        Drain(context, draining: false),
    };

    private static Command List(AdminContext context)
    {
        var command = new Command("list", "List hosts with capacity, health and when they last reported.");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListHostsAsync(cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, hosts => output.WriteTableAsync(
                ["ID", "NAME", "CAPACITY", "HEALTH", "DRAINING", "LAST SEEN"],
                hosts.Select(host => new[]
                {
                    host.Id.ToString(), host.Name, Formats.Number(host.Capacity), host.Health.ToLowerInvariant(), Formats.YesNo(host.Draining), Formats.Time(host.LastSeen),
                }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Drain(AdminContext context, bool draining)
    {
        var host = new Argument<string>("HOST") { Description = "The host's id or name." };
        var command = draining
            ? new Command("drain", "Place no new desktops on a host; the desktops it has stay.") { host }
            : new Command("undrain", "Let a drained host take new desktops again.") { host };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var id = await Lookup.HostIdAsync(client, parseResult.GetRequiredValue(host), cancellationToken).ConfigureAwait(false);
            var reply = await client.SetDrainingAsync(id, draining, cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, changed => output.WriteLineAsync($"host {changed.Name} {(changed.Draining ? "is draining: it gets no new desktops" : "takes new desktops again")}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Add(AdminContext context)
    {
        var name = new Option<string>("--name") { Description = "The new host's name.", Required = true };
        var capacity = new Option<int>("--capacity") { Description = "How many desktops it may hold.", Required = true };
        var validHours = new Option<int?>("--valid-hours") { Description = "How long the token stays valid (default: the broker's)." };
        var command = new Command("add", "Register a host and print the one-time token it enrolls with (shown once).") { name, capacity, validHours };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.CreateEnrollmentTokenAsync(new Api.EnrollmentTokenRequest(parseResult.GetRequiredValue(name), parseResult.GetValue(capacity), parseResult.GetValue(validHours)), cancellationToken).ConfigureAwait(false);
            var pin = AdminContext.StoredPin(await context.ConfigFile.ReadAsync(cancellationToken).ConfigureAwait(false), client.Server);
            var pinned = pin is null ? string.Empty : $" --fingerprint {pin}";
            await output.PrintAsync(reply, async enrollment =>
            {
                await output.WriteLineAsync($"host {enrollment.HostId} registered; enrollment token (shown once, expires {Formats.Time(enrollment.ExpiresAt)}): {enrollment.Token}").ConfigureAwait(false);
                await output.WriteLineAsync($"on the new host run: broker-host enroll --server {client.Server} --token {enrollment.Token}{pinned}").ConfigureAwait(false);
            }).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
