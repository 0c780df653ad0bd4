using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.Desktops;
using Broker.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.ClientAgent.Tests;

/// <summary>
/// <c>broker-client run</c> started in-process (desktops, device session, background services, local
/// API on a temp socket) over a data directory, talking to the broker by the real gateway link.
/// </summary>
internal sealed class AgentUnderTest : IAsyncDisposable
{
    /// <summary>How long a test waits for the agent to reach a state before it fails.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly WebApplication _app;
    private readonly GatewayBrokerLink _broker;

    private AgentUnderTest(WebApplication app, GatewayBrokerLink broker)
    {
        _app = app;
        _broker = broker;
    }

    public DesktopManager Manager => _app.Services.GetRequiredService<AgentDesktops>().Manager;

    public static async Task<AgentUnderTest> StartAsync(TempDirectory directory, params string[] settings)
    {
        var broker = new GatewayBrokerLink();
        string[] args =
        [
            $"--ClientAgent:DataDirectory={directory.File("laptop")}",
            $"--ClientAgent:SocketPath={directory.File("agent.sock")}",
            "--ClientAgent:MemoryMiB=32",
            "--ClientAgent:ReconnectMinDelay=00:00:00.1",
            "--ClientAgent:ReconnectMaxDelay=00:00:00.5",
            "--Serilog:MinimumLevel:Default=Warning",
            .. settings,
        ];
        var app = ClientAgentApp.Build(args, broker);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new AgentUnderTest(app, broker);
    }

    /// <summary>Waits until <paramref name="desktop"/>'s status satisfies <paramref name="condition"/>; returns that status.</summary>
    public async Task<DesktopStatus> WaitForAsync(string desktop, Func<DesktopStatus, bool> condition)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        DesktopStatus? last = null;
        try
        {
            while (true)
            {
                last = await Manager.StatusAsync(desktop, patience.Token);
                if (condition(last))
                {
                    return last;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), patience.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"'{desktop}' did not get there; last {last?.Record.Phase} ({last?.Message}).");
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked every 50 ms).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), patience.Token);
        }
    }

    /// <summary>Waits until the agent holds <paramref name="desktop"/> no more.</summary>
    public async Task WaitUntilReleasedAsync(string desktop)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        while ((await Manager.ListAsync(patience.Token)).Any(status => status.Record.Name == desktop))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), patience.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _broker.Dispose();
    }
}
