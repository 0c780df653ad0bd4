using System.Diagnostics;
using Broker.Testing;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// A program run in its own session and process group (<c>setsid</c>) with stdout and stderr
/// appended to a log file. Stopping sends SIGTERM (what Ctrl-C's handler does) and waits; whatever
/// is left of the group then gets SIGKILL, so nothing it started outlives the test.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    /// <summary>Where its output goes.</summary>
    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The program's pid (<c>setsid</c> and the shell exec it in place).</summary>
    public int Id => _process.Id;

    /// <summary>Waits until it has exited; its exit code (137 after SIGKILL).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = workingDirectory ?? string.Empty };
        foreach (var argument in (string[])["bash", "-c", "exec \"$0\" \"$@\" >>\"$CHILD_LOG\" 2>&1 </dev/null", fileName, .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["CHILD_LOG"] = logPath;
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}."), logPath);
    }

    /// <summary>The log so far (empty before the first line).</summary>
    public string Log() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    /// <summary>SIGTERM, then up to <paramref name="grace"/> for it to exit; then SIGKILL to its whole process group. Returns its exit code, or null when it had to be killed.</summary>
    public async Task<int?> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            await SignalAsync("-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var limit = new CancellationTokenSource(grace);
        int? exitCode;
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            exitCode = _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            exitCode = null;
        }

        // setsid made it the leader of its own group: this reaches whatever it left behind.
        await SignalAsync("-KILL", "--", $"-{_process.Id}");
        await _process.WaitForExitAsync(CancellationToken.None);
        return exitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private static Task<ToolResult> SignalAsync(params string[] arguments) => ExternalTool.RunAsync("kill", arguments, CancellationToken.None);
}
