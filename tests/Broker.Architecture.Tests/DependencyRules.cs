namespace Broker.Architecture.Tests;

/// <summary>
/// The dependency directions of <c>docs/architecture.md</c> (design §3) as data, and the engine
/// that judges a <see cref="DependencyGraph"/> against them.
/// </summary>
internal static class DependencyRules
{
    /// <summary>Every source project and the Broker projects it may reference.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedProjectReferences = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Broker.Vhdx"] = [],
        ["Broker.Disks"] = ["Broker.Vhdx", "Broker.Nbd"],
        ["Broker.Nbd"] = [],
        ["Broker.Qemu"] = [],
        ["Broker.Contracts"] = [],
        ["Broker.Transfer"] = ["Broker.Vhdx", "Broker.Disks", "Broker.Contracts"],
        ["Broker.Core"] = [],
        ["Broker.Persistence"] = ["Broker.Core"],
        ["Broker.Hosting"] = [],
        ["Broker.Server"] = ["Broker.Core", "Broker.Persistence", "Broker.Contracts", "Broker.Hosting"],
        ["Broker.HostAgent"] = ["Broker.Vhdx", "Broker.Disks", "Broker.Nbd", "Broker.Qemu", "Broker.Contracts", "Broker.Transfer", "Broker.Hosting"],
        ["Broker.ClientAgent"] = ["Broker.Vhdx", "Broker.Disks", "Broker.Nbd", "Broker.Qemu", "Broker.Contracts", "Broker.Transfer", "Broker.Hosting"],
        ["Broker.Cli"] = ["Broker.Vhdx", "Broker.Disks", "Broker.Nbd", "Broker.Contracts"],
    };

    /// <summary>Projects that must stay free of web, database and RPC frameworks.</summary>
    public static readonly IReadOnlySet<string> FrameworkFreeProjects = new HashSet<string>(StringComparer.Ordinal)
    {
        "Broker.Vhdx", "Broker.Disks", "Broker.Nbd", "Broker.Qemu", "Broker.Core",
    };

    /// <summary>Name prefixes of packages, frameworks and assemblies those projects may not use.</summary>
    public static readonly IReadOnlyList<string> FrameworkPrefixes =
    [
        "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Grpc", "Google.Protobuf", "Npgsql",
    ];

    /// <summary>Every rule the graph breaks, one readable line each; empty when it is clean.</summary>
    public static IReadOnlyList<string> Check(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var violations = new List<string>();
        foreach (var (project, dependencies) in graph.Projects.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!AllowedProjectReferences.TryGetValue(project, out var allowed))
            {
                violations.Add($"{project}: no dependency rule; add it to DependencyRules and docs/architecture.md");
                continue;
            }

            violations.AddRange(dependencies.Projects
                .Where(reference => !allowed.Contains(reference, StringComparer.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(reference => $"{project} -> {reference}: reference not allowed"));

            violations.AddRange(dependencies.TestProjects
                .Order(StringComparer.Ordinal)
                .Select(reference => $"{project} -> {reference}: source projects may not reference tests"));

            if (FrameworkFreeProjects.Contains(project))
            {
                violations.AddRange(dependencies.External
                    .Where(name => FrameworkPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
                    .Order(StringComparer.Ordinal)
                    .Select(name => $"{project} -> {name}: framework-free project uses a web, database or RPC framework"));
            }
        }

        return violations;
    }
}
