using System.CommandLine;

namespace Broker.Cli.Disk;

/// <summary>
/// Runs a command's work and turns its failures into one line on stderr and an exit code: the
/// contract of brokerctl is "no stack traces", so every exception ends here.
/// </summary>
internal static class CommandAction
{
    public static void Set(Command command, CliEnvironment environment, Func<ParseResult, CancellationToken, Task<int>> work) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await work(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await environment.Error.WriteLineAsync("brokerctl: cancelled").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
#pragma warning disable CA1031 // Every failure, expected or not, must become one line and exit code 2.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                await environment.Error.WriteLineAsync($"brokerctl: {OneLine(exception.Message)}").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }
        });

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
