using System.CommandLine;

namespace Broker.HostAgent;

/// <summary>The command line of <c>broker-host</c>. Subcommands are added as the daemon grows.</summary>
internal static class HostAgentCommandLine
{
    public static RootCommand Create() => new("Broker host agent: runs desktops in QEMU on VHDX chains, serves and receives their disk layers.");
}
