using System.Text;
using System.Text.RegularExpressions;
using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// <c>demo/run.sh</c> on a state directory and free loopback ports: the same broker, host agent,
/// client agent, image, pool and users as <c>./build.sh demo</c>. Ready once the script prints
/// <c>demo: ready</c>; stopped as Ctrl-C stops the demo.
/// </summary>
internal sealed partial class DemoWorld : IAsyncDisposable
{
    public const string ReadyLine = "demo: ready";

    /// <summary>The client agent's stop: it powers its VMs down first.</summary>
    private static readonly TimeSpan ClientStopLimit = TimeSpan.FromMinutes(1);

    /// <summary>First run: build nothing, but start three .NET daemons, enroll, import and provision two desktops under TCG on a loaded machine.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(4);

    private readonly ChildProcess _script;

    private DemoWorld(string stateDirectory, int port, ChildProcess script)
    {
        StateDirectory = stateDirectory;
        Port = port;
        _script = script;
    }

    public string StateDirectory { get; }

    public int Port { get; }

    /// <summary>The portal and REST API.</summary>
    public Uri Portal => new($"http://127.0.0.1:{Port}/");

    /// <summary>The agents' gRPC endpoint (what <c>brokerctl login</c> and <c>broker-host enroll</c> are given).</summary>
    public string Agents => $"http://127.0.0.1:{Port + 1}";

    /// <summary><c>brokerctl</c> as the demo's admin (the login the script made).</summary>
    public Brokerctl Admin => new(Path.Combine(StateDirectory, "brokerctl"));

    /// <summary>The demo client agent's socket.</summary>
    public string ClientSocket => Path.Combine(StateDirectory, "client", "agent.sock");

    /// <summary>Runs the demo script on <paramref name="stateDirectory"/> with the counter guest, as <c>./build.sh demo</c> does, and waits until it is ready.</summary>
    public static Task<DemoWorld> StartAsync(string stateDirectory, CancellationToken cancellationToken) =>
        StartAsync(stateDirectory, TestGuests.Counter, cancellationToken);

    /// <summary>
    /// Runs the demo script on <paramref name="stateDirectory"/> with <paramref name="guest"/> (a
    /// <see cref="TestGuests"/> name) as the image the script imports, and waits until it is ready.
    /// </summary>
    public static async Task<DemoWorld> StartAsync(string stateDirectory, string guest, CancellationToken cancellationToken)
    {
        var port = LoopbackPorts.FreeRun(3);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DEMO_DIR"] = stateDirectory,
            ["DEMO_BIN"] = BuildOutput.BinDirectory,
            ["DEMO_PORTAL_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DEMO_GUEST"] = TestGuests.ImagePath(guest),
        };
        Directory.CreateDirectory(stateDirectory);
        File.Delete(Path.Combine(stateDirectory, "demo.out")); // this run's output only
        var script = ChildProcess.Start("bash", [Path.Combine(RepoPaths.Root, "demo", "run.sh")], environment, Path.Combine(stateDirectory, "demo.out"));
        var world = new DemoWorld(stateDirectory, port, script);
        try
        {
            await world.WaitUntilReadyAsync(cancellationToken);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>A value from the demo's <c>credentials.txt</c> (<c>admin-password</c>, <c>demo-password</c>, …).</summary>
    public string Credential(string key) =>
        File.ReadLines(Path.Combine(StateDirectory, "credentials.txt"))
            .Select(line => line.Split(": ", 2))
            .Single(pair => pair[0] == key)[1];

    /// <summary>What the script printed in this run.</summary>
    public string ScriptOutput => _script.Log();

    /// <summary>The script's output and every daemon's log, for attachments.</summary>
    public string Logs()
    {
        var text = new StringBuilder().AppendLine("== demo/run.sh").AppendLine(_script.Log());
        var logs = Path.Combine(StateDirectory, "logs");
        foreach (var log in Directory.Exists(logs) ? Directory.GetFiles(logs).Order(StringComparer.Ordinal).ToArray() : [])
        {
            text.AppendLine($"== {Path.GetFileName(log)}").AppendLine(File.ReadAllText(log));
        }

        return text.ToString();
    }

    /// <summary>
    /// Takes the demo's laptop offline: SIGTERM to the <c>broker-client</c> the script started (the
    /// pid it printed), as a shutdown of the machine would, and waits until it has exited.
    /// </summary>
    public async Task StopClientAsync(CancellationToken cancellationToken)
    {
        var pid = StartedPid("broker-client").ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = await ExternalTool.RunAsync("kill", ["-TERM", pid], cancellationToken);
        result.ExitCode.ShouldBe(0, $"kill -TERM {pid}: {result}");
        await Polling.UntilAsync($"the demo's client agent (pid {pid}) to exit", _ => Task.FromResult(HasExited(pid)), exited => exited, ClientStopLimit, cancellationToken);
    }

    /// <summary>
    /// The demo's laptop back online after <see cref="StopClientAsync"/>: <c>broker-client</c> on the
    /// same state and socket as the script runs it, its output appended to the same log; the caller stops it.
    /// </summary>
    public Task<DeviceAgent> RestartClientAsync(CancellationToken cancellationToken) =>
        DeviceAgent.RunAsync(Path.Combine(StateDirectory, "client"), Path.Combine(StateDirectory, "logs", "broker-client.log"), ["--ClientAgent:MemoryMiB=32"], cancellationToken);

    /// <summary>The pid of daemon <paramref name="daemon"/> (<c>broker-server</c>, <c>broker-host</c>, <c>broker-client</c>) as the script printed it when it started it.</summary>
    public int StartedPid(string daemon) =>
        StartedLine().Matches(ScriptOutput).FirstOrDefault(line => line.Groups["daemon"].Value == daemon) is { } started
            ? int.Parse(started.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"demo/run.sh did not print the pid of {daemon}:\n{ScriptOutput}");

    /// <summary>Stops the demo as Ctrl-C does; the script's exit code, or null when it had to be killed.</summary>
    public Task<int?> StopAsync() => _script.StopAsync(TimeSpan.FromMinutes(2));

    public async ValueTask DisposeAsync() => await _script.DisposeAsync();

    /// <summary>Whether process <paramref name="pid"/> is gone or a zombie (the script reaps its daemons only when it stops).</summary>
    private static bool HasExited(string pid)
    {
        try
        {
            // /proc/PID/stat: "PID (COMMAND) STATE …"; the command may hold spaces and parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"(?<daemon>[a-z-]+) started \(pid (?<pid>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex StartedLine();

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        while (!_script.Log().Contains(ReadyLine, StringComparison.Ordinal))
        {
            if (_script.HasExited)
            {
                throw new InvalidOperationException($"demo/run.sh exited before it was ready:\n{Logs()}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"demo/run.sh was not ready within {StartLimit}:\n{Logs()}");
            }
        }
    }
}
