extern alias clientagent;

using Broker.Cli.Admin;
using Broker.Testing;
using ClientAgentApp = clientagent::Broker.ClientAgent.ClientAgentApp;
using GatewayBrokerLink = clientagent::Broker.ClientAgent.Brokers.GatewayBrokerLink;

namespace Broker.Cli.Tests.Desktop;

/// <summary>
/// <c>brokerctl desktop</c> and <c>brokerctl login</c> against a real client agent started in-process
/// on a temp socket, whose broker link points at an address where no broker listens.
/// </summary>
public sealed class DesktopCommandTests
{
    private const string NoBroker = "http://127.0.0.1:9";

    [Fact]
    public async Task DesktopCommands_OnAFreshAgent_ListNothingAndRefuseClearly()
    {
        using var directory = new TempDirectory("brokerctl-desktop-");
        var socket = directory.File("agent.sock");
        using var broker = new GatewayBrokerLink();
        await using var agent = ClientAgentApp.Build([$"--ClientAgent:DataDirectory={directory.File("agent")}", $"--ClientAgent:SocketPath={socket}"], broker);
        await agent.StartAsync(TestContext.Current.CancellationToken);

        var list = await RunAsync("desktop", "list", "--socket", socket);
        var status = await RunAsync("desktop", "status", "alice-desk", "--socket", socket);
        var checkout = await RunAsync("desktop", "checkout", "alice-desk", "--socket", socket);
        var login = await RunAsync("login", "--server", NoBroker, "--user", "alice", "--password-stdin", "--socket", socket);
        var json = await RunAsync("desktop", "list", "--json", "--socket", socket);
        await agent.StopAsync(TestContext.Current.CancellationToken);

        list.ExitCode.ShouldBe(0, list.ToString());
        list.Out.ShouldStartWith("no desktops on this machine");
        status.ExitCode.ShouldBe(1, status.ToString());
        status.Error.ShouldContain("no desktop 'alice-desk'");
        checkout.ExitCode.ShouldBe(1, checkout.ToString());
        checkout.Error.ShouldContain("(NotEnrolled)");
        checkout.Error.ShouldContain("brokerctl login");
        login.ExitCode.ShouldBe(1, login.ToString());
        login.Error.ShouldContain("(BrokerUnreachable)");
        json.Out.Trim().ShouldBe("{}");
    }

    [Fact]
    public async Task DesktopList_WithNoAgentListening_SaysHowToStartIt()
    {
        using var directory = new TempDirectory("brokerctl-desktop-");

        var run = await RunAsync("desktop", "list", "--socket", directory.File("none.sock"));

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldContain("broker-client run");
    }

    private static async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            OpenStandardOutput = () => throw new InvalidOperationException("desktop commands write text only"),
            Storage = Broker.Vhdx.Storage.FileStorage.Instance,
            Admin = new AdminEnvironment
            {
                GetVariable = _ => null,
                CreateHandler = () => throw new InvalidOperationException("desktop commands talk to the agent only"),
                Input = new StringReader("secret\n"),
                AskSecret = _ => null,
            },
        };
        var exitCode = await BrokerCtl.RunAsync(args, environment, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString(), []);
    }
}
