using System.CommandLine;

namespace Broker.ClientAgent;

/// <summary>The command line of <c>broker-client</c>. Subcommands are added as the daemon grows.</summary>
internal static class ClientAgentCommandLine
{
    public static RootCommand Create() => new("Broker client agent: checks desktops out to this machine, runs them offline, syncs them back.");
}
