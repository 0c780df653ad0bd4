using Broker.Contracts.V1;
using Spectre.Console;

namespace Broker.Cli.Desktop;

/// <summary>
/// A Spectre.Console progress bar on standard error for a desktop operation followed on a terminal:
/// the phase as its description, the transfer's bytes as its value, with percent, rate and time left.
/// </summary>
internal static class WaitProgress
{
    /// <summary>Runs <paramref name="follow"/>, which reports each state of the desktop to the action it is given, under the bar.</summary>
    public static Task<int> RunAsync(CliEnvironment environment, LocalDesktop first, Func<Action<LocalDesktop>, Task<int>> follow)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(environment.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(context =>
            {
                var task = context.AddTask(DesktopOutput.PhaseOf(first), maxValue: 1);
                return follow(desktop =>
                {
                    task.Description = Markup.Escape(DesktopOutput.PhaseOf(desktop));
                    if (desktop.Transfer is { BytesTotal: > 0 } transfer)
                    {
                        task.MaxValue = transfer.BytesTotal;
                        task.Value = transfer.BytesDone;
                    }
                });
            });
    }
}
