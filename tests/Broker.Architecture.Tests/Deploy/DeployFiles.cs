using Broker.Testing;

namespace Broker.Architecture.Tests.Deploy;

/// <summary>The deployment files of <c>deploy/</c> and the operations guide, as text.</summary>
internal static class DeployFiles
{
    /// <summary>The <c>deploy/</c> folder.</summary>
    public static string Directory => Path.Combine(RepoPaths.Root, "deploy");

    /// <summary>The data directory every deploy file gives broker-server.</summary>
    public const string ServerDataDirectory = "/var/lib/broker-server";

    /// <summary>Every text file under <c>deploy/</c> plus <c>docs/operations.md</c>, by path relative to the repository root.</summary>
    public static IReadOnlyDictionary<string, string> AllTexts() =>
        System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .Append(Path.Combine(RepoPaths.Root, "docs", "operations.md"))
            .ToDictionary(path => Path.GetRelativePath(RepoPaths.Root, path), File.ReadAllText, StringComparer.Ordinal);

    /// <summary>The text of one file under <c>deploy/</c>.</summary>
    public static string Read(params string[] pathUnderDeploy) => File.ReadAllText(Path.Combine([Directory, .. pathUnderDeploy]));

    /// <summary>The systemd unit files (system units, and user units under <c>user/</c>), by path relative to <c>deploy/systemd</c>.</summary>
    public static IEnumerable<string> SystemdUnits()
    {
        var systemd = Path.Combine(Directory, "systemd");
        return System.IO.Directory.EnumerateFiles(systemd, "*.service", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(systemd, path))
            .Order(StringComparer.Ordinal);
    }
}
