using System.CommandLine;
using System.CommandLine.Invocation;
using Broker.Cli.Admin;
using Broker.Cli.Desktop;
using Broker.Cli.Disk;

namespace Broker.Cli;

/// <summary>
/// The command tree of <c>brokerctl</c>: <c>disk</c> (offline VHDX tools), <c>desktop</c> (the local
/// client agent) and <c>admin</c> (the broker's REST API). brokerctl keeps no state of its own.
/// </summary>
internal static class BrokerCtl
{
    public static RootCommand Create() => Create(CliEnvironment.FromConsole());

    public static RootCommand Create(CliEnvironment environment)
    {
        var root = new RootCommand("brokerctl: the one command line of Broker");
        root.Subcommands.Add(DiskCommand.Create(environment));
        root.Subcommands.Add(DesktopCommand.Create(environment));
        root.Subcommands.Add(DesktopCommand.Login(environment));
        root.Subcommands.Add(AdminCommand.Create(environment));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A parse error prints one line on
    /// <see cref="CliEnvironment.Error"/> and returns <see cref="ExitCodes.BadInput"/>.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var parseResult = Create(environment).Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            await environment.Error.WriteLineAsync($"brokerctl: {parseResult.Errors[0].Message.ReplaceLineEndings(" ").Trim()}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        var configuration = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,

            // Ctrl+C and SIGTERM cancel the command's token; without an explicit timeout the process
            // exits at once instead of letting the command clean up (disk serve flushes and closes).
            ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
