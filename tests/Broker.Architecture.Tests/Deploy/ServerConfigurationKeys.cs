using System.Reflection;
using Broker.Hosting;
using Broker.Persistence;

namespace Broker.Architecture.Tests.Deploy;

/// <summary>
/// The configuration keys broker-server binds, read from its options classes (every type with a
/// <c>SectionName</c> constant contributes <c>Section:Property</c>), plus the sections ASP.NET
/// Core and Serilog read themselves.
/// </summary>
internal static class ServerConfigurationKeys
{
    /// <summary>Sections owned by frameworks: any key below them is theirs to judge.</summary>
    private static readonly string[] FrameworkSections = ["Kestrel:", "Serilog:", "Logging:"];

    private static readonly Lazy<IReadOnlySet<string>> LazyBound = new(FindBound);

    /// <summary>Every <c>Section:Property</c> the server's options bind, and its connection string.</summary>
    public static IReadOnlySet<string> Bound => LazyBound.Value;

    /// <summary>Whether the server reads <paramref name="key"/> (colon-separated, case-insensitive like .NET configuration).</summary>
    public static bool IsKnown(string key) =>
        Bound.Contains(key) || FrameworkSections.Any(section => key.StartsWith(section, StringComparison.OrdinalIgnoreCase));

    private static HashSet<string> FindBound()
    {
        Assembly[] assemblies = [Assembly.Load("broker-server"), typeof(BrokerOptions).Assembly, typeof(DatabaseOptions).Assembly];
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            $"ConnectionStrings:{DatabaseOptions.ConnectionStringName}",
        };
        foreach (var type in assemblies.SelectMany(assembly => assembly.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section)
            {
                keys.UnionWith(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(property => property.SetMethod is { IsPublic: true })
                    .Select(property => $"{section}:{property.Name}"));
            }
        }

        return keys;
    }
}
