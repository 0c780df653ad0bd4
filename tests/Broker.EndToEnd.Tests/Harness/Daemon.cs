using System.Globalization;
using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// One of the demo's daemons (<c>broker-server</c>, <c>broker-host</c>, <c>broker-client</c>) as
/// a machine that loses power sees it: killed with SIGKILL, then started again with the same
/// command line, working directory and data directory as <c>demo/run.sh</c> gave it, its output
/// appended to the same log. A start may arm a named crash point (<c>BROKER_CRASH_AT</c>), at which
/// the daemon kills itself. The caller disposes it; that stops what this harness started.
/// </summary>
internal sealed class Daemon : IAsyncDisposable
{
    private const string CrashVariable = "BROKER_CRASH_AT";

    /// <summary>A SIGKILLed process is gone at once; a SIGTERMed one powers its VMs down and closes its files.</summary>
    private static readonly TimeSpan ExitLimit = TimeSpan.FromMinutes(1);

    private readonly IReadOnlyList<string> _commandLine;
    private readonly string _workingDirectory;
    /// <summary>Every process this harness started, the running one last; a dead one's process group is left alone until disposal, so whatever it left running stays visible.</summary>
    private readonly List<ChildProcess> _started = [];
    private int _pid;

    private Daemon(string name, IReadOnlyList<string> commandLine, string workingDirectory, string logPath, int pid)
    {
        Name = name;
        _commandLine = commandLine;
        _workingDirectory = workingDirectory;
        LogPath = logPath;
        _pid = pid;
    }

    /// <summary>Its executable's name: <c>broker-server</c>, <c>broker-host</c> or <c>broker-client</c>.</summary>
    public string Name { get; }

    /// <summary>The daemon's log (<c>&lt;state&gt;/logs/&lt;name&gt;.log</c>).</summary>
    public string LogPath { get; }

    /// <summary>Whether the running process is dead (killed, or it crashed at an armed point).</summary>
    public bool HasExited => !ProcessProbe.IsAlive(_pid);

    /// <summary>The daemon <paramref name="name"/> that <paramref name="world"/>'s script started, read from <c>/proc</c> while it runs.</summary>
    public static Daemon Of(DemoWorld world, string name)
    {
        var pid = world.StartedPid(name);
        var commandLine = ProcessProbe.CommandLine(pid);
        commandLine.ShouldNotBeEmpty($"{name} (pid {pid}) is not running");
        var workingDirectory = new DirectoryInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName
            ?? throw new InvalidOperationException($"The working directory of {name} (pid {pid}) cannot be read.");
        return new Daemon(name, commandLine, workingDirectory, Path.Combine(world.StateDirectory, "logs", $"{name}.log"), pid);
    }

    /// <summary>SIGKILL, as a power loss would; returns once the process is dead (it may be a zombie its parent has not reaped yet).</summary>
    public Task KillAsync(CancellationToken cancellationToken) => SignalAsync("-KILL", cancellationToken);

    /// <summary>SIGTERM, as a clean shutdown would; returns once the process has exited.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => SignalAsync("-TERM", cancellationToken);

    /// <summary>Starts it again on the same state; with <paramref name="crashPoint"/> armed (it kills itself there), or nothing armed.</summary>
    public async Task StartAsync(string? crashPoint)
    {
        HasExited.ShouldBeTrue($"{Name} (pid {_pid}) still runs");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { [CrashVariable] = crashPoint ?? string.Empty };
        var started = ChildProcess.Start(_commandLine[0], _commandLine.Skip(1), environment, LogPath, _workingDirectory);
        _started.Add(started);
        _pid = started.Id;
    }

    /// <summary>How often its log says it reached crash point <paramref name="crashPoint"/> (the line <c>CrashPoint</c> prints before SIGKILL).</summary>
    public int TimesCrashedAt(string crashPoint)
    {
        var line = $"crash point {crashPoint}#1 reached: SIGKILL";
        var log = File.ReadAllText(LogPath);
        var count = 0;
        for (var at = log.IndexOf(line, StringComparison.Ordinal); at >= 0; at = log.IndexOf(line, at + line.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private async Task SignalAsync(string signal, CancellationToken cancellationToken)
    {
        var pid = _pid;
        _ = await ExternalTool.RunAsync("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        _ = await Polling.UntilAsync($"{Name} (pid {pid}) to exit after kill {signal}", _ => Task.FromResult(!ProcessProbe.IsAlive(pid)), exited => exited, ExitLimit, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            await started.DisposeAsync();
        }
    }
}
