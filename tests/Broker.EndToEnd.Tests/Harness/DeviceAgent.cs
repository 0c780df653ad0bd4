using Broker.Testing;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>One more laptop: a <c>broker-client run</c> process on its own data directory and socket, enrolled by <c>brokerctl login</c> as a user's device.</summary>
internal sealed class DeviceAgent : IAsyncDisposable
{
    private readonly ChildProcess _agent;

    private DeviceAgent(ChildProcess agent) => _agent = agent;

    public static async Task<DeviceAgent> EnrollAsync(DemoWorld world, string directory, string user, string password, CancellationToken cancellationToken)
    {
        var agent = await RunAsync(directory, Path.Combine(directory, "broker-client.log"), [], cancellationToken);
        try
        {
            await new Brokerctl(directory).RunAsync(["login", "--socket", SocketIn(directory), "--server", world.Agents, "--user", user, "--password-stdin"], cancellationToken, password + "\n");
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <c>broker-client run</c> on <paramref name="directory"/> (its socket <c>agent.sock</c> there),
    /// with <paramref name="settings"/> (<c>--Section:Key=value</c>) and its output appended to
    /// <paramref name="logPath"/>; returns once the socket answers. An enrolled directory is the same
    /// device again.
    /// </summary>
    public static async Task<DeviceAgent> RunAsync(string directory, string logPath, IEnumerable<string> settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var socket = SocketIn(directory);
        var agent = new DeviceAgent(ChildProcess.Start(
            BuildOutput.ClientAgent,
            ["run", "--data-dir", directory, $"--ClientAgent:SocketPath={socket}", .. settings],
            new Dictionary<string, string>(StringComparer.Ordinal),
            logPath,
            directory));
        try
        {
            await WaitForSocketAsync(socket, cancellationToken);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    public string Log() => _agent.Log();

    public async ValueTask DisposeAsync() => await _agent.DisposeAsync();

    private static string SocketIn(string directory) => Path.Combine(directory, "agent.sock");

    /// <summary>Until <c>brokerctl desktop list</c> gets an answer on <paramref name="socket"/> (the agent serves once its state is open).</summary>
    private static async Task WaitForSocketAsync(string socket, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        while ((await ExternalTool.RunAsync(BuildOutput.Brokerctl, ["desktop", "list", "--socket", socket], limit.Token)).ExitCode != 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
        }
    }
}
