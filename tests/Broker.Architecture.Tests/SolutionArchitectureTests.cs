using System.Xml.Linq;
using Broker.Testing;

namespace Broker.Architecture.Tests;

public sealed class SolutionArchitectureTests
{
    private static readonly string SourceDirectory = Path.Combine(RepoPaths.Root, "src");

    /// <summary>Assembly name → project name for every source project (executables have their own names).</summary>
    private static readonly Dictionary<string, string> ProjectOfAssembly = new(StringComparer.Ordinal)
    {
        ["Broker.Vhdx"] = "Broker.Vhdx",
        ["Broker.Disks"] = "Broker.Disks",
        ["Broker.Nbd"] = "Broker.Nbd",
        ["Broker.Qemu"] = "Broker.Qemu",
        ["Broker.Contracts"] = "Broker.Contracts",
        ["Broker.Core"] = "Broker.Core",
        ["Broker.Persistence"] = "Broker.Persistence",
        ["Broker.Hosting"] = "Broker.Hosting",
        ["broker-server"] = "Broker.Server",
        ["broker-host"] = "Broker.HostAgent",
        ["broker-client"] = "Broker.ClientAgent",
        ["brokerctl"] = "Broker.Cli",
    };

    [Fact]
    public void SourceProjects_AreExactlyThoseTheDesignLists()
    {
        var onDisk = Directory.GetDirectories(SourceDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        onDisk.ShouldBe(DependencyRules.AllowedProjectReferences.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProjectFiles_DeclareOnlyAllowedDependencies()
    {
        DependencyRules.Check(DependencyGraph.FromProjectFiles(SourceDirectory)).ShouldBeEmpty();
    }

    [Fact]
    public void CompiledAssemblies_UseOnlyAllowedDependencies()
    {
        DependencyRules.Check(DependencyGraph.FromAssemblies(ProjectOfAssembly)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Broker.Server", "broker-server")]
    [InlineData("Broker.HostAgent", "broker-host")]
    [InlineData("Broker.ClientAgent", "broker-client")]
    [InlineData("Broker.Cli", "brokerctl")]
    public void Executables_HaveTheirProductNames(string project, string assemblyName)
    {
        var document = XDocument.Load(Path.Combine(SourceDirectory, project, project + ".csproj"));

        document.Descendants("AssemblyName").Select(element => element.Value).ShouldBe([assemblyName]);
    }

    [Fact]
    public void EverySourceProject_HasAReadmeSayingWhatItMayDependOn()
    {
        var missing = Directory.GetDirectories(SourceDirectory)
            .Where(directory => !File.Exists(Path.Combine(directory, "README.md")))
            .Select(Path.GetFileName);

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void EverySourceProject_HasAMirroringTestProject()
    {
        var missing = Directory.GetDirectories(SourceDirectory)
            .Select(Path.GetFileName)
            .Where(name => !Directory.Exists(Path.Combine(RepoPaths.Root, "tests", name + ".Tests")));

        missing.ShouldBeEmpty();
    }
}
