using System.CommandLine;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk convert SRC DST --format raw|vhdx [--type dynamic|fixed] [--block-size SIZE]</c>.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var source = DiskOptions.Path("SRC", "The VHDX file; a differencing file is flattened with its parents.");
        var destination = DiskOptions.Path("DST", "The file to write (must not exist; written as DST.tmp, then renamed).");
        var format = new Option<string>("--format") { Description = "raw (a sparse image) or vhdx.", Required = true };
        format.AcceptOnlyFromAmong("raw", "vhdx");
        var type = new Option<string>("--type") { Description = "For vhdx: dynamic (default) or fixed.", DefaultValueFactory = _ => "dynamic" };
        type.AcceptOnlyFromAmong("dynamic", "fixed");
        var blockSize = DiskOptions.Size("--block-size", "For vhdx: block size, a power of two from 1M to 256M (default 32M).");
        var command = new Command("convert", "Flatten a VHDX file or chain into a raw image or a new VHDX file; zeros are not written.") { source, destination, format, type, blockSize };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var raw = parseResult.GetValue(format) == "raw";
            if (raw && (parseResult.Given(type) || parseResult.Given(blockSize)))
            {
                throw new UsageException("--type and --block-size apply to --format vhdx only.");
            }

            var sourcePath = parseResult.GetRequiredValue(source);
            var destinationPath = parseResult.GetRequiredValue(destination);
            if (!environment.Storage.FileExists(sourcePath))
            {
                throw new UsageException($"'{sourcePath}' does not exist.");
            }

            if (environment.Storage.FileExists(destinationPath))
            {
                throw new UsageException($"'{destinationPath}' exists; convert does not overwrite.");
            }

            var options = new VhdxConvertOptions
            {
                Format = raw ? VhdxConvertFormat.Raw : VhdxConvertFormat.Vhdx,
                Type = parseResult.GetValue(type) == "fixed" ? VhdxDiskType.Fixed : VhdxDiskType.Dynamic,
                BlockSize = parseResult.Given(blockSize) ? DiskOptions.ToBlockSize(parseResult.GetValue(blockSize)) : null,
            };
            await ProgressDisplay.RunAsync(environment, "convert", async progress =>
            {
                await VhdxConvert.ConvertAsync(environment.Storage, sourcePath, destinationPath, options, progress, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            await environment.Out.WriteLineAsync($"converted {sourcePath} to {destinationPath}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
