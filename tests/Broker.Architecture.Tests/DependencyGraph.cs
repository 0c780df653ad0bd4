using System.Reflection;
using System.Xml.Linq;

namespace Broker.Architecture.Tests;

/// <summary>
/// What each source project depends on: other projects, NuGet packages, shared frameworks and
/// compiled assembly references, all as plain names so one rule engine judges every source.
/// </summary>
internal sealed record DependencyGraph(IReadOnlyDictionary<string, ProjectDependencies> Projects)
{
    /// <summary>Reads every <c>src/*/*.csproj</c>: the declared dependencies.</summary>
    public static DependencyGraph FromProjectFiles(string sourceDirectory)
    {
        var projects = new Dictionary<string, ProjectDependencies>(StringComparer.Ordinal);
        foreach (var projectFile in Directory.EnumerateFiles(sourceDirectory, "*.csproj", SearchOption.AllDirectories))
        {
            var document = XDocument.Load(projectFile);
            var root = document.Root ?? throw new InvalidDataException($"{projectFile} has no root element.");
            var name = Path.GetFileNameWithoutExtension(projectFile);

            var projectReferences = root.Descendants("ProjectReference")
                .Select(element => (string?)element.Attribute("Include") ?? string.Empty)
                .ToList();
            var packages = root.Descendants("PackageReference")
                .Select(element => (string?)element.Attribute("Include") ?? string.Empty);
            var frameworks = root.Descendants("FrameworkReference")
                .Select(element => (string?)element.Attribute("Include") ?? string.Empty);
            if (((string?)root.Attribute("Sdk"))?.StartsWith("Microsoft.NET.Sdk.Web", StringComparison.Ordinal) == true)
            {
                frameworks = frameworks.Append("Microsoft.AspNetCore.App");
            }

            projects[name] = new ProjectDependencies(
                projectReferences.Select(reference => Path.GetFileNameWithoutExtension(reference.Replace('\\', '/'))).ToHashSet(StringComparer.Ordinal),
                packages.Concat(frameworks).ToHashSet(StringComparer.Ordinal),
                projectReferences.Where(IsTestProjectPath).ToHashSet(StringComparer.Ordinal));
        }

        return new DependencyGraph(projects);
    }

    /// <summary>
    /// Reads the compiled assemblies: what the code really uses. Broker assemblies are mapped back
    /// to their project names through <paramref name="projectOfAssembly"/>.
    /// </summary>
    public static DependencyGraph FromAssemblies(IReadOnlyDictionary<string, string> projectOfAssembly)
    {
        var projects = new Dictionary<string, ProjectDependencies>(StringComparer.Ordinal);
        foreach (var (assemblyName, projectName) in projectOfAssembly)
        {
            var references = Assembly.Load(new AssemblyName(assemblyName)).GetReferencedAssemblies()
                .Select(reference => reference.Name ?? string.Empty)
                .ToList();
            projects[projectName] = new ProjectDependencies(
                references.Where(projectOfAssembly.ContainsKey).Select(reference => projectOfAssembly[reference]).ToHashSet(StringComparer.Ordinal),
                references.Where(reference => !projectOfAssembly.ContainsKey(reference)).ToHashSet(StringComparer.Ordinal),
                new HashSet<string>(StringComparer.Ordinal));
        }

        return new DependencyGraph(projects);
    }

    private static bool IsTestProjectPath(string reference) =>
        reference.Replace('\\', '/').Split('/').Contains("tests", StringComparer.Ordinal);
}

/// <summary>One project's outgoing dependencies.</summary>
/// <param name="Projects">Other Broker projects it references.</param>
/// <param name="External">Packages, shared frameworks or assemblies from outside the repository.</param>
/// <param name="TestProjects">References into <c>tests/</c> (never allowed from <c>src/</c>).</param>
internal sealed record ProjectDependencies(
    IReadOnlySet<string> Projects,
    IReadOnlySet<string> External,
    IReadOnlySet<string> TestProjects);
