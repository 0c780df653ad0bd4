using System.Reflection;

namespace Broker.Testing;

/// <summary>
/// Where the repository and the shared material beside it are, found from the test's own location
/// so tests run the same from an IDE, <c>dotnet test</c> and <c>./build.sh test</c>.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root: the directory holding <c>Broker.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// The shared material (fixtures, reference docs) that CI keeps beside the checkout as
    /// <c>../shared</c>; <c>BROKER_SHARED_DIR</c> overrides it.
    /// </summary>
    public static string Shared =>
        Environment.GetEnvironmentVariable("BROKER_SHARED_DIR") is { Length: > 0 } fromEnvironment
            ? Path.GetFullPath(fromEnvironment)
            : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The VHDX fixtures directory inside <see cref="Shared"/>.</summary>
    public static string VhdxFixtures => Path.Combine(Shared, "fixtures", "vhdx");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Broker.sln")))
            {
                return directory.FullName;
            }
        }

        var builtFrom = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "BrokerRepositoryRoot")?.Value;
        if (builtFrom is not null && File.Exists(Path.Combine(builtFrom, "Broker.sln")))
        {
            return builtFrom;
        }

        throw new InvalidOperationException($"No Broker.sln above {AppContext.BaseDirectory} nor at the build's source root.");
    }
}
