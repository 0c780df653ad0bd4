using System.CommandLine;
using Broker.Cli.Admin.Api;
using Broker.Cli.Disk;

namespace Broker.Cli.Admin;

/// <summary><c>admin images list|add|import</c>: gold images (immutable once registered).</summary>
internal static class ImagesCommand
{
    public static Command Create(AdminContext context) => new("images", "Gold images.")
    {
        List(context),
        Add(context),
        ImageImportCommand.Create(context),
    };

    private static Command List(AdminContext context)
    {
        var command = new Command("list", "List gold images.");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var reply = await client.ListImagesAsync(cancellationToken).ConfigureAwait(false);
            await context.Output(parseResult).PrintAsync(reply, images => WriteTableAsync(context.Output(parseResult), images)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Add(AdminContext context)
    {
        var name = new Option<string>("--name") { Description = "The image's name.", Required = true };
        var version = new Option<string>("--version") { Description = "Its version (name and version are unique together).", Required = true };
        var baseAddress = new Option<string>("--base") { Description = "Content address of the base layer, e.g. sha256:<64 hex digits>.", Required = true };
        var size = DiskOptions.Size("--size", "Virtual size of the disk (e.g. 64G).", required: true);
        var command = new Command("add", "Register a gold image.") { name, version, baseAddress, size };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var request = new ImageRequest(parseResult.GetRequiredValue(name), parseResult.GetRequiredValue(version), parseResult.GetRequiredValue(baseAddress), parseResult.GetValue(size));
            var reply = await client.AddImageAsync(request, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, image => output.WriteLineAsync($"added image {image.Name} {image.Version} ({image.Id})")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Task WriteTableAsync(AdminOutput output, List<ImageInfo> images) =>
        output.WriteTableAsync(
            ["ID", "NAME", "VERSION", "SIZE", "STATUS", "BASE"],
            images.Select(image => new[] { image.Id.ToString(), image.Name, image.Version, DiskOptions.Human(image.SizeBytes), ImageImportCommand.StatusOf(image), image.BaseContentAddress }));
}
