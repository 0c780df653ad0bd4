using Broker.Testing;

namespace Broker.Cli.Tests;

/// <summary>The built brokerctl executable, for tests that run it as a shell would.</summary>
internal static class BrokerCtlApphost
{
    /// <summary>The apphost beside the tests, else the one built into the same artifacts tree.</summary>
    public static string Path
    {
        get
        {
            string[] candidates =
            [
                System.IO.Path.Combine(AppContext.BaseDirectory, "brokerctl"),
                System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "Broker.Cli", "release", "brokerctl")),
                System.IO.Path.Combine(RepoPaths.Root, "artifacts", "bin", "Broker.Cli", "release", "brokerctl"),
            ];
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"brokerctl apphost not found; looked at {string.Join(", ", candidates)}");
        }
    }
}
