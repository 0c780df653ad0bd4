namespace Broker.Architecture.Tests;

public sealed class DependencyRulesTests
{
    [Fact]
    public void Check_DeliberatelyBadGraph_ReportsEveryViolation()
    {
        var graph = new DependencyGraph(new Dictionary<string, ProjectDependencies>
        {
            ["Broker.Core"] = Dependencies(projects: [], external: ["Microsoft.EntityFrameworkCore.Sqlite", "System.Text.Json"]),
            ["Broker.Vhdx"] = Dependencies(projects: ["Broker.Core"], external: ["Grpc.Core.Api"]),
            ["Broker.Server"] = Dependencies(projects: ["Broker.Core"], external: ["Microsoft.AspNetCore.App"], tests: ["../../tests/Broker.Testing/Broker.Testing.csproj"]),
            ["Broker.Sneaky"] = Dependencies(projects: [], external: []),
        });

        DependencyRules.Check(graph).ShouldBe(
        [
            "Broker.Core -> Microsoft.EntityFrameworkCore.Sqlite: framework-free project uses a web, database or RPC framework",
            "Broker.Server -> ../../tests/Broker.Testing/Broker.Testing.csproj: source projects may not reference tests",
            "Broker.Sneaky: no dependency rule; add it to DependencyRules and docs/architecture.md",
            "Broker.Vhdx -> Broker.Core: reference not allowed",
            "Broker.Vhdx -> Grpc.Core.Api: framework-free project uses a web, database or RPC framework",
        ]);
    }

    [Fact]
    public void Check_GraphThatFollowsTheDesign_ReportsNothing()
    {
        var graph = new DependencyGraph(new Dictionary<string, ProjectDependencies>
        {
            ["Broker.Disks"] = Dependencies(projects: ["Broker.Vhdx"], external: ["System.IO.Hashing"]),
            ["Broker.Server"] = Dependencies(projects: ["Broker.Core", "Broker.Persistence"], external: ["Microsoft.AspNetCore.App", "Grpc.AspNetCore"]),
        });

        DependencyRules.Check(graph).ShouldBeEmpty();
    }

    private static ProjectDependencies Dependencies(string[] projects, string[] external, string[]? tests = null) =>
        new(projects.ToHashSet(), external.ToHashSet(), (tests ?? []).ToHashSet());
}
