using Broker.Vhdx;
using Spectre.Console;

namespace Broker.Cli.Disk;

/// <summary>A progress bar on stderr for long operations, drawn only when stderr is a terminal.</summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(CliEnvironment environment, string title, Func<IProgress<VhdxProgress>?, Task<T>> work)
    {
        if (!environment.ShowProgress)
        {
            return await work(null).ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(environment.Error) });
        return await console.Progress().StartAsync(async context =>
        {
            var task = context.AddTask(title);
            var progress = new SyncProgress<VhdxProgress>(value =>
            {
                task.MaxValue = Math.Max(1, value.Total);
                task.Value = value.Completed;
            });
            var result = await work(progress).ConfigureAwait(false);
            task.Value = task.MaxValue;
            return result;
        }).ConfigureAwait(false);
    }
}
