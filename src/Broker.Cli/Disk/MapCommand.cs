using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk map PATH [--json]</c>: the ranges this file holds itself (not its parents).</summary>
internal static class MapCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file.");
        var json = new Option<bool>("--json") { Description = "Print JSON (camelCase keys)." };
        var command = new Command("map", "List the present extents of this file alone: 'data' is stored, 'zero' is declared zero (hides a parent).") { path, json };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var target = parseResult.GetRequiredValue(path);
            DiskMap map;
            var file = await VhdxFile.OpenAsync(environment.Storage, target, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                var extents = await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
                map = new DiskMap(target, file.VirtualSize, [.. extents.Select(extent => new MapExtent(extent.Offset, extent.Length, extent.Kind == VhdxExtentKind.Data ? "data" : "zero"))]);
            }

            if (parseResult.GetValue(json))
            {
                await environment.Out.WriteLineAsync(JsonSerializer.Serialize(map, DiskJsonContext.Default.DiskMap)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await environment.Out.WriteLineAsync("offset\tlength\tkind").ConfigureAwait(false);
            foreach (var extent in map.Extents)
            {
                await environment.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{extent.Offset}\t{extent.Length}\t{extent.Kind}")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
