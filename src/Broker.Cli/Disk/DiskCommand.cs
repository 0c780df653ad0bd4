using System.CommandLine;

namespace Broker.Cli.Disk;

/// <summary><c>brokerctl disk</c>: offline tools for VHDX files, and <c>serve</c> to export one over NBD.</summary>
internal static class DiskCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var disk = new Command("disk", "Offline tools for VHDX disks (files must not be in use), and serve to export one over NBD. Sizes take K, M, G, T suffixes (binary).");
        disk.Subcommands.Add(CreateCommand.Create(environment));
        disk.Subcommands.Add(InfoCommand.Create(environment));
        disk.Subcommands.Add(CheckCommand.Create(environment));
        disk.Subcommands.Add(ReadCommand.Create(environment));
        disk.Subcommands.Add(WriteCommand.Create(environment));
        disk.Subcommands.Add(MapCommand.Create(environment));
        disk.Subcommands.Add(ConvertCommand.Create(environment));
        disk.Subcommands.Add(MergeCommand.Create(environment));
        disk.Subcommands.Add(ServeCommand.Create(environment));
        return disk;
    }
}
