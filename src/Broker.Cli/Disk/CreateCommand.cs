using System.CommandLine;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk create PATH --size SIZE [--type dynamic|fixed] [--block-size SIZE] [--logical-sector 512|4096]</c> or <c>disk create PATH --parent PARENT</c>.</summary>
internal static class CreateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file to create (must not exist).");
        var size = DiskOptions.Size("--size", "Virtual size, a multiple of the logical sector size (e.g. 64G).");
        var parent = new Option<string>("--parent") { Description = "Create a differencing disk over this parent (size and sectors come from it)." };
        var type = new Option<string>("--type") { Description = "dynamic (default) or fixed.", DefaultValueFactory = _ => "dynamic" };
        type.AcceptOnlyFromAmong("dynamic", "fixed");
        var blockSize = DiskOptions.Size("--block-size", "Block size, a power of two from 1M to 256M (default 32M; 2M for differencing).");
        var logicalSector = new Option<int>("--logical-sector") { Description = "Logical sector size, 512 (default) or 4096.", DefaultValueFactory = _ => 512 };
        logicalSector.AcceptOnlyFromAmong("512", "4096");
        var command = new Command("create", "Create a dynamic, fixed or differencing VHDX file.") { path, size, parent, type, blockSize, logicalSector };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var target = parseResult.GetRequiredValue(path);
            var parentPath = parseResult.GetValue(parent);
            var givenBlockSize = parseResult.Given(blockSize) ? DiskOptions.ToBlockSize(parseResult.GetValue(blockSize)) : (int?)null;
            VhdxCreateOptions options;
            if (parentPath is not null)
            {
                if (parseResult.Given(size) || parseResult.Given(type) || parseResult.Given(logicalSector))
                {
                    throw new UsageException("--parent takes size, type and sector size from the parent: do not give --size, --type or --logical-sector.");
                }

                if (!environment.Storage.FileExists(parentPath))
                {
                    throw new UsageException($"parent '{parentPath}' does not exist.");
                }

                options = VhdxCreateOptions.Differencing(parentPath, givenBlockSize ?? VhdxCreateOptions.DefaultDifferencingBlockSize);
            }
            else
            {
                if (!parseResult.Given(size))
                {
                    throw new UsageException("give --size (or --parent for a differencing disk).");
                }

                options = new VhdxCreateOptions
                {
                    Type = parseResult.GetValue(type) == "fixed" ? VhdxDiskType.Fixed : VhdxDiskType.Dynamic,
                    VirtualSize = parseResult.GetValue(size),
                    BlockSize = givenBlockSize ?? VhdxCreateOptions.DefaultBlockSize,
                    LogicalSectorSize = parseResult.GetValue(logicalSector),
                };
            }

            if (environment.Storage.FileExists(target))
            {
                throw new UsageException($"'{target}' exists; create does not overwrite.");
            }

            var file = await VhdxFile.CreateAsync(environment.Storage, target, options, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                await environment.Out.WriteLineAsync($"created {target}: {file.DiskType.ToString().ToLowerInvariant()}, {DiskOptions.Human(file.VirtualSize)}, block size {DiskOptions.Human(file.BlockSize)}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
