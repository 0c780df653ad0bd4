using System.CommandLine;

namespace Broker.Cli;

/// <summary>
/// The command tree of <c>brokerctl</c>: <c>disk</c> (offline VHDX tools), <c>desktop</c> (the local
/// client agent) and <c>admin</c> (the broker's REST API). brokerctl keeps no state of its own.
/// </summary>
internal static class BrokerCtl
{
    public static RootCommand Create() => new("brokerctl: the one command line of Broker");
}
