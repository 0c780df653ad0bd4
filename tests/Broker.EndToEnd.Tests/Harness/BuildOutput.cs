namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// The executables under test, in the same build output as this assembly
/// (<c>&lt;artifacts&gt;/bin/&lt;Project&gt;/release/</c>), whatever the <c>ArtifactsPath</c>.
/// </summary>
internal static class BuildOutput
{
    /// <summary><c>&lt;artifacts&gt;/bin</c>: two levels above this assembly's directory.</summary>
    public static string BinDirectory { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", ".."));

    public static string Brokerctl => Executable("Broker.Cli", "brokerctl");

    public static string ClientAgent => Executable("Broker.ClientAgent", "broker-client");

    private static string Executable(string project, string name)
    {
        var path = Path.Combine(BinDirectory, project, "release", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{name} is not built at {path}; build the solution (./build.sh build) first.", path);
    }
}
