using System.Diagnostics;
using System.Text;

namespace Broker.Transfer.Bench;

/// <summary>
/// A child process (a peer tool, or this program in another mode) whose stdout lines are collected
/// and handed to a callback as they come; stdin stays open until <see cref="CloseInput"/>.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _error = new();
    private readonly string _name;

    private ChildProcess(Process process, string name, Action<string>? onLine)
    {
        _process = process;
        _name = name;
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } data)
            {
                lock (_lines)
                {
                    _lines.Add(data);
                }

                onLine?.Invoke(data);
            }
        };
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_error)
            {
                _ = _error.AppendLine(line.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>User plus system CPU time so far (a running process).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static ChildProcess Start(string executable, IEnumerable<string> arguments, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        return new ChildProcess(process, $"{executable} {string.Join(' ', start.ArgumentList)}", onLine);
    }

    /// <summary>This program in another mode.</summary>
    public static ChildProcess StartSelf(IEnumerable<string> arguments, Action<string>? onLine = null)
    {
        // Under `dotnet Broker.Transfer.Bench.dll` the process path is dotnet itself: pass the dll again.
        var self = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(ChildProcess).Assembly.Location] : Array.Empty<string>();
        return Start(self, [.. prefix, .. arguments], onLine);
    }

    public void CloseInput() => _process.StandardInput.Close();

    public void Kill() => _process.Kill();

    /// <summary>Waits for the exit and returns the stdout lines; a failure exit throws with stderr unless <paramref name="mayFail"/>.</summary>
    public async Task<IReadOnlyList<string>> ExitAsync(bool mayFail = false)
    {
        await _process.WaitForExitAsync();
        if (!mayFail && _process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{_name}' exited with {_process.ExitCode}: {Error()}");
        }

        lock (_lines)
        {
            return [.. _lines];
        }
    }

    /// <summary>Runs a tool to its end and returns its wall time and stdout lines.</summary>
    public static async Task<(double Seconds, IReadOnlyList<string> Lines)> TimeAsync(string executable, params string[] arguments)
    {
        var watch = Stopwatch.StartNew();
        await using var child = Start(executable, arguments);
        var lines = await child.ExitAsync();
        return (watch.Elapsed.TotalSeconds, lines);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private string Error()
    {
        lock (_error)
        {
            return _error.ToString();
        }
    }
}
