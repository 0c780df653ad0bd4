using System.CommandLine;
using Broker.Cli.Admin.Api;
using Broker.Cli.Disk;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>admin images list|show|add|import|retry</c>: gold images (immutable once registered); an
/// uploaded image's state on each host, and a retry of the hosts that failed it.
/// </summary>
internal static class ImagesCommand
{
    public static Command Create(AdminContext context) => new("images", "Gold images.")
    {
        List(context),
        Show(context),
        Add(context),
        ImageImportCommand.Create(context),
        Retry(context),
    };

    private static Argument<string> ImageArgument() => new("IMAGE") { Description = "The image's id, NAME:VERSION, or a name that has one version only." };

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

    private static Command Show(AdminContext context)
    {
        var image = ImageArgument();
        var command = new Command("show", "Show an image and, for an uploaded one, its state on each host (with each failed host's reason).") { image };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var id = await Lookup.ImageIdAsync(client, parseResult.GetRequiredValue(image), cancellationToken).ConfigureAwait(false);
            var reply = await client.GetImageAsync(id, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, found => WriteDetailsAsync(output, found)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Retry(AdminContext context)
    {
        var image = ImageArgument();
        var command = new Command("retry", "Offer an uploaded image again to the hosts that failed it (changes nothing when none did).") { image };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var id = await Lookup.ImageIdAsync(client, parseResult.GetRequiredValue(image), cancellationToken).ConfigureAwait(false);
            var failed = (await client.GetImageAsync(id, cancellationToken).ConfigureAwait(false)).Value.Hosts?.Count(host => host.State == "Failed") ?? 0;
            var reply = await client.RetryImageAsync(id, cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            await output.PrintAsync(reply, retried => output.WriteLineAsync(failed == 0
                ? $"no host failed image {retried.Name} {retried.Version} ({retried.Id}): nothing to retry"
                : $"image {retried.Name} {retried.Version} ({retried.Id}) is offered again to {failed} host(s): {ImageImportCommand.StatusOf(retried)}")).ConfigureAwait(false);
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
            ["ID", "NAME", "VERSION", "SIZE", "STATUS", "HOSTS", "BASE"],
            images.Select(image => new[] { image.Id.ToString(), image.Name, image.Version, DiskOptions.Human(image.SizeBytes), ImageImportCommand.StatusOf(image), HostsOf(image), image.BaseContentAddress }));

    /// <summary>"n of m" hosts that imported the image; "-" from a broker that keeps no per-host states for it.</summary>
    private static string HostsOf(ImageInfo image) =>
        image is { HostsImported: { } imported, HostsTotal: { } total } ? $"{imported} of {total}" : "-";

    private static async Task WriteDetailsAsync(AdminOutput output, ImageInfo image)
    {
        await output.WriteFieldsAsync(
        [
            ("id", image.Id.ToString()),
            ("name", image.Name),
            ("version", image.Version),
            ("status", ImageImportCommand.StatusOf(image)),
            ("size", image.SizeBytes > 0 ? DiskOptions.Human(image.SizeBytes) : "-"),
            ("base", image.BaseContentAddress is { Length: > 0 } address ? address : "-"),
            ("hosts", image.Hosts is null ? "-" : $"{HostsOf(image)} imported"),
        ]).ConfigureAwait(false);
        if (image.Hosts is { Count: > 0 } hosts)
        {
            await output.WriteLineAsync(string.Empty).ConfigureAwait(false);
            await output.WriteTableAsync(
                ["HOST", "ID", "STATE", "UPDATED", "DETAIL"],
                hosts.Select(host => new[] { host.HostName, host.HostId.ToString(), host.State, Formats.Time(host.UpdatedAt), host.Detail ?? "-" })).ConfigureAwait(false);
        }
    }
}
