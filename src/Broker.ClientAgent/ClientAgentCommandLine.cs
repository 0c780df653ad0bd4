using System.CommandLine;
using Broker.ClientAgent.Brokers;
using Microsoft.Extensions.Hosting;

namespace Broker.ClientAgent;

/// <summary>The command line of <c>broker-client</c>: <c>run</c>.</summary>
internal static class ClientAgentCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Broker client agent: checks desktops out to this machine, runs them offline, syncs them back.");
        root.Subcommands.Add(Run());
        return root;
    }

    private static Command Run()
    {
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Where the agent keeps its state, images and desktops (default: ~/.local/share/broker-client)." };
        var command = new Command("run", "Run the client agent and serve its local API (brokerctl desktop).") { dataDirectory };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            string[] args = result.GetValue(dataDirectory) is { } directory
                ? [.. result.UnmatchedTokens, $"--{ClientAgentOptions.Section}:{nameof(ClientAgentOptions.DataDirectory)}={Path.GetFullPath(directory)}"]
                : [.. result.UnmatchedTokens];
            using var broker = new GatewayBrokerLink();
            await using var app = ClientAgentApp.Build(args, broker);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
