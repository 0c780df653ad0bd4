using System.CommandLine;
using Broker.Contracts.V1;

namespace Broker.Cli.Desktop;

/// <summary>
/// <c>desktop console NAME [--follow]</c>: the local desktop's serial log (kept by the client agent
/// in the desktop's directory) to standard output, and where its screen is on standard error;
/// <c>--follow</c> keeps printing what the guest writes until Ctrl+C.
/// </summary>
internal static class DesktopConsoleCommand
{
    /// <summary>How often <c>--follow</c> looks for more.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliEnvironment environment, Option<string?> socket)
    {
        var desktop = new Argument<string>("desktop") { Description = "The desktop's name or id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing what the guest writes until Ctrl+C." };
        var command = new Command("console", "Print a local desktop's serial log and say where its screen is.") { desktop, follow };
        AgentAction.Set(command, environment, socket, async (agent, parseResult, cancellationToken) =>
        {
            var console = await agent.ConsoleAsync(new DesktopRequest { Desktop = parseResult.GetRequiredValue(desktop) }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await environment.Error.WriteLineAsync(ScreenOf(console)).ConfigureAwait(false);
            var offset = await PrintFromAsync(environment, console.SerialLogPath, 0, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(follow))
            {
                await FollowAsync(environment, console.SerialLogPath, offset, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string ScreenOf(ConsoleInfo console) => console.Display == "vnc"
        ? $"screen: VNC on unix socket {console.VncSocketPath} (while the VM runs)"
        : $"screen: a {console.Display} window (while the VM runs)";

    private static async Task FollowAsync(CliEnvironment environment, string path, long offset, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                offset = await PrintFromAsync(environment, path, offset, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // What was printed stands.
        }
    }

    /// <summary>Prints the log from <paramref name="offset"/> to its end; a log that is not there yet (never booted) or started anew (a new boot) reads from its start. Returns the new offset.</summary>
    private static async Task<long> PrintFromAsync(CliEnvironment environment, string path, long offset, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        log.Position = offset > log.Length ? 0 : offset;
        using var reader = new StreamReader(log);
        await environment.Out.WriteAsync(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return log.Position;
    }
}
