using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>pools create|update|resize</c>. An update reads the pool, changes what was given and writes it
/// back based on the version it read, so a concurrent change is refused (409), never overwritten.
/// </summary>
internal static class PoolEditCommands
{
    public static Command Create(AdminContext context)
    {
        var options = new PoolOptions();
        options.Name.Required = true;
        options.Kind.Required = true;
        options.Image.Required = true;
        options.Size.Required = true;
        var command = new Command("create", "Create a pool (its desktops are placed on hosts at once).");
        AddAll(command, options);
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var image = await Lookup.ImageIdAsync(client, parseResult.GetRequiredValue(options.Image), cancellationToken).ConfigureAwait(false);
            var request = new PoolRequest(
                parseResult.GetRequiredValue(options.Name),
                PoolOptions.ApiKind(parseResult.GetRequiredValue(options.Kind)),
                image,
                parseResult.GetValue(options.Size) ?? 0,
                options.Offline(parseResult, new OfflinePolicy()),
                Version: null);
            var reply = await client.CreatePoolAsync(request, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, pool => PoolsCommand.WriteSummaryAsync(output, "created", pool)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Update(AdminContext context)
    {
        var pool = PoolsCommand.PoolArgument();
        var options = new PoolOptions();
        var command = new Command("update", "Change a pool's settings; options left out keep their value.") { pool };
        AddAll(command, options);
        SetEdit(command, context, pool, async (client, parseResult, request, cancellationToken) =>
        {
            var image = parseResult.GetValue(options.Image) is { } reference
                ? await Lookup.ImageIdAsync(client, reference, cancellationToken).ConfigureAwait(false)
                : request.ImageId;
            return request with
            {
                Name = parseResult.GetValue(options.Name) ?? request.Name,
                Kind = parseResult.GetValue(options.Kind) is { } kind ? PoolOptions.ApiKind(kind) : request.Kind,
                ImageId = image,
                DesiredSize = parseResult.GetValue(options.Size) ?? request.DesiredSize,
                Offline = options.Offline(parseResult, request.Offline ?? new OfflinePolicy()),
            };
        });
        return command;
    }

    public static Command Resize(AdminContext context)
    {
        var pool = PoolsCommand.PoolArgument();
        var size = new Argument<int>("SIZE") { Description = "The desired number of desktops." };
        var command = new Command("resize", "Set a pool's desired number of desktops.") { pool, size };
        SetEdit(command, context, pool, (_, parseResult, request, _) => Task.FromResult(request with { DesiredSize = parseResult.GetValue(size) }));
        return command;
    }

    private static void AddAll(Command command, PoolOptions options)
    {
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }
    }

    private static void SetEdit(Command command, AdminContext context, Argument<string> pool, Func<BrokerApiClient, ParseResult, PoolRequest, CancellationToken, Task<PoolRequest>> change) =>
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var id = await Lookup.PoolIdAsync(client, parseResult.GetRequiredValue(pool), cancellationToken).ConfigureAwait(false);
            var current = await client.GetPoolAsync(id, cancellationToken).ConfigureAwait(false);
            var request = await change(client, parseResult, PoolRequest.EditOf(current.Value), cancellationToken).ConfigureAwait(false);
            var reply = await client.UpdatePoolAsync(id, request, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, updated => PoolsCommand.WriteSummaryAsync(output, "updated", updated)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
}
