using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk info PATH [--json]</c>: what a file is, without modifying it.</summary>
internal static class InfoCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file.");
        var json = new Option<bool>("--json") { Description = "Print JSON (camelCase keys)." };
        var command = new Command("info", "Show type, sizes, identities, parent and log state of a VHDX file (read-only; a dirty log is replayed in memory only).") { path, json };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var info = await ReadAsync(environment, parseResult.GetRequiredValue(path), cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                await environment.Out.WriteLineAsync(JsonSerializer.Serialize(info, DiskJsonContext.Default.DiskInfo)).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(environment.Out, info).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<DiskInfo> ReadAsync(CliEnvironment environment, string path, CancellationToken cancellationToken)
    {
        var file = await VhdxFile.OpenAsync(environment.Storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        DiskInfo info;
        await using (file.ConfigureAwait(false))
        {
            var locator = file.ParentLocator;
            info = new DiskInfo(
                path,
                file.DiskType.ToString().ToLowerInvariant(),
                file.VirtualSize,
                file.BlockSize,
                file.LogicalSectorSize,
                file.PhysicalSectorSize,
                file.FileLength,
                file.VirtualDiskId,
                file.DataWriteGuid,
                file.FileWriteGuid,
                file.LogGuid,
                file.LogReplayed ? "dirty" : "clean",
                file.Creator,
                VhdxSharedBase.IsMarked(environment.Storage, path),
                locator is null ? null : new ParentInfo(locator.ParentLinkage, locator.ParentLinkage2, locator.RelativePath, locator.VolumePath, locator.AbsoluteWin32Path, null, "ok", null));
        }

        return info.Parent is null ? info : info with { Parent = await ResolveParentAsync(environment, path, info.Parent, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>Opens the chain (after the file itself is closed) to tell which parent serves it, or why none does.</summary>
    private static async Task<ParentInfo> ResolveParentAsync(CliEnvironment environment, string path, ParentInfo parent, CancellationToken cancellationToken)
    {
        try
        {
            var chain = await VhdxDisk.OpenAsync(environment.Storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
            await using (chain.ConfigureAwait(false))
            {
                return parent with { ResolvedPath = System.IO.Path.GetFullPath(chain.Files[1].Path) };
            }
        }
        catch (VhdxParentException exception)
        {
            var status = JsonNamingPolicy.CamelCase.ConvertName(exception.Failure.ToString());
            return parent with { ResolvedPath = exception.ParentPath, Status = status, Problem = exception.Message };
        }
        catch (VhdxFormatException exception)
        {
            return parent with { Status = "malformed", Problem = exception.Message };
        }
    }

    private static async Task WriteTextAsync(TextWriter output, DiskInfo info)
    {
        var lines = new List<(string Name, string Value)>
        {
            ("path", info.Path),
            ("type", info.Type),
            ("virtual size", DiskOptions.Human(info.VirtualSize)),
            ("block size", DiskOptions.Human(info.BlockSize)),
            ("logical sector size", info.LogicalSectorSize.ToString(CultureInfo.InvariantCulture)),
            ("physical sector size", info.PhysicalSectorSize.ToString(CultureInfo.InvariantCulture)),
            ("file size", DiskOptions.Human(info.FileSize)),
            ("virtual disk id", info.VirtualDiskId.ToString("D")),
            ("data write guid", info.DataWriteGuid.ToString("D")),
            ("file write guid", info.FileWriteGuid.ToString("D")),
            ("log", info.LogState == "dirty" ? $"dirty (log guid {info.LogGuid:D}; replay with 'disk check --repair')" : "clean"),
            ("creator", info.Creator),
            ("shared base", info.SharedBase ? "yes" : "no"),
        };
        if (info.Parent is { } parent)
        {
            lines.Add(("parent linkage", parent.Linkage.ToString("D")));
            if (parent.Linkage2 is { } linkage2)
            {
                lines.Add(("parent linkage2", linkage2.ToString("D")));
            }

            lines.Add(("parent relative path", parent.RelativePath ?? "-"));
            lines.Add(("parent volume path", parent.VolumePath ?? "-"));
            lines.Add(("parent absolute path", parent.AbsoluteWin32Path ?? "-"));
            lines.Add(("parent", parent.Status == "ok" ? $"{parent.ResolvedPath} (linkage ok)" : $"{parent.Status}: {parent.Problem}"));
        }

        var width = lines.Max(line => line.Name.Length) + 2;
        foreach (var (name, value) in lines)
        {
            await output.WriteLineAsync($"{(name + ":").PadRight(width)}{value}").ConfigureAwait(false);
        }
    }
}
