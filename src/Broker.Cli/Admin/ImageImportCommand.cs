using System.CommandLine;
using Broker.Cli.Admin.Api;
using Spectre.Console;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>admin images import FILE --name N [--version V]</c>: streams a disk image (VHDX, qcow2 or raw)
/// to the broker, which hands it to its hosts; the image is usable once a host imported it
/// (status Ready in <c>admin images list</c>). A progress bar goes to standard error on a terminal.
/// </summary>
internal static class ImageImportCommand
{
    public static Command Create(AdminContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The disk image: VHDX, qcow2 or raw (whole 512-byte sectors)." };
        var name = new Option<string>("--name") { Description = "The image's name.", Required = true };
        var version = new Option<string>("--version") { Description = "Its version (name and version are unique together).", DefaultValueFactory = _ => "1" };
        var command = new Command("import", "Upload a disk image file to the broker as a gold image.") { file, name, version };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            if (!path.Exists)
            {
                await context.Environment.Error.WriteLineAsync($"brokerctl: {path.FullName} does not exist.").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            var source = path.OpenRead();
            await using (source.ConfigureAwait(false))
            {
                var upload = (IProgress<long>? progress) => client.ImportImageAsync(parseResult.GetRequiredValue(name), parseResult.GetRequiredValue(version), source, source.Length, progress, cancellationToken);
                var reply = context.Environment.ShowProgress
                    ? await WithProgressAsync(context.Environment, path.Name, source.Length, upload).ConfigureAwait(false)
                    : await upload(null).ConfigureAwait(false);
                var output = context.Output(parseResult);
                await output.PrintAsync(reply, image => output.WriteLineAsync($"uploaded image {image.Name} {image.Version} ({image.Id}): {StatusOf(image)}")).ConfigureAwait(false);
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>The image's import status as shown; images from brokers that predate uploads are Ready.</summary>
    public static string StatusOf(ImageInfo image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (image.Status ?? "Ready") + (image.StatusReason is { Length: > 0 } reason ? $" ({reason})" : string.Empty);
    }

    private static Task<ApiReply<ImageInfo>> WithProgressAsync(CliEnvironment environment, string fileName, long length, Func<IProgress<long>?, Task<ApiReply<ImageInfo>>> upload)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(environment.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(progress =>
            {
                var task = progress.AddTask(Markup.Escape($"uploading {fileName}"), maxValue: Math.Max(length, 1));
                return upload(new Progress<long>(sent => task.Value = sent));
            });
    }
}
