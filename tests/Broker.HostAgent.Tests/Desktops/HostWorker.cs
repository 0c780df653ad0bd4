using System.Diagnostics;
using Broker.Contracts.V1;
using Broker.Disks.Crashes;
using Broker.Testing;
using Google.Protobuf;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary><c>Broker.HostAgent.Tests.Worker</c> (a desktop manager as its own process) run to its end, optionally with a crash point armed.</summary>
internal static class HostWorker
{
    /// <summary>How a process killed by SIGKILL exits, as .NET reports it (128 + 9).</summary>
    public const int KilledExitCode = 137;

    /// <summary>The worker's step for one round of the snapshot schedule.</summary>
    public const string Snapshot = "snapshot";

    private static string WorkerPath => Path.Combine(AppContext.BaseDirectory, "Broker.HostAgent.Tests.Worker.dll");

    /// <summary>A broker command as the worker's step.</summary>
    public static string Step(AgentCommand command) => JsonFormatter.Default.Format(command);

    /// <summary>Runs the worker's <paramref name="steps"/> over <paramref name="dataDirectory"/> with its clock <paramref name="aheadHours"/> ahead, <paramref name="armed"/> set as the crash point (none when null).</summary>
    public static async Task<ToolResult> RunAsync(string dataDirectory, int aheadHours, IEnumerable<string> steps, string? armed, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(WorkerPath);
        startInfo.ArgumentList.Add(dataDirectory);
        startInfo.ArgumentList.Add(aheadHours.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var step in steps)
        {
            startInfo.ArgumentList.Add(step);
        }

        startInfo.Environment.Remove(CrashPoint.EnvironmentVariable);
        if (armed is not null)
        {
            startInfo.Environment[CrashPoint.EnvironmentVariable] = armed;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the host worker.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
