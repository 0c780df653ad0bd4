using System.Diagnostics;
using Broker.Disks.Crashes;
using Broker.Testing;

namespace Broker.Disks.Tests.Crashes;

/// <summary><c>Broker.Disks.Tests.Worker</c> run to its end, optionally with a crash point armed.</summary>
internal static class CrashWorker
{
    /// <summary>How a process killed by SIGKILL exits, as .NET reports it (128 + 9).</summary>
    public const int KilledExitCode = 137;

    /// <summary>The worker beside the tests (the test project references it).</summary>
    private static string WorkerPath => Path.Combine(AppContext.BaseDirectory, "Broker.Disks.Tests.Worker.dll");

    /// <summary>Runs the worker with <paramref name="arguments"/> and <see cref="CrashPoint.EnvironmentVariable"/> set to <paramref name="armed"/> (unset when null).</summary>
    public static async Task<ToolResult> RunAsync(IEnumerable<string> arguments, string? armed, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(WorkerPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove(CrashPoint.EnvironmentVariable);
        if (armed is not null)
        {
            startInfo.Environment[CrashPoint.EnvironmentVariable] = armed;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the disks worker.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
