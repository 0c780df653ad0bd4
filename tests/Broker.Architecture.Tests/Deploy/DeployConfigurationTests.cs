using System.Reflection;
using System.Text.RegularExpressions;
using Broker.Hosting;
using Broker.Persistence;

namespace Broker.Architecture.Tests.Deploy;

/// <summary>What the deploy files tell the server matches what the server reads.</summary>
public sealed partial class DeployConfigurationTests
{
    [Fact]
    public void DeployFiles_SetOnlyConfigurationKeysTheServerBinds()
    {
        var unknown = DeployFiles.AllTexts()
            .SelectMany(file => EnvironmentKey().Matches(file.Value).Select(match => (File: file.Key, Key: match.Value.Replace("__", ":", StringComparison.Ordinal))))
            .Where(found => !ServerConfigurationKeys.IsKnown(found.Key))
            .Select(found => $"{found.File}: {found.Key}")
            .Distinct();

        unknown.ShouldBeEmpty();
    }

    [Fact]
    public void DeployFiles_ConfigureTheDatabaseAndDataDirectory()
    {
        var texts = DeployFiles.AllTexts().Values;

        texts.ShouldContain(text => text.Contains("Database__Provider", StringComparison.Ordinal));
        texts.ShouldContain(text => text.Contains("ConnectionStrings__Broker", StringComparison.Ordinal));
        texts.ShouldContain(text => text.Contains("Broker__DataDirectory", StringComparison.Ordinal));
    }

    [Fact]
    public void DatabaseProviders_AreNamesTheServerKnows()
    {
        var values = DeployFiles.AllTexts().Values.SelectMany(text => ProviderValue().Matches(text)).Select(match => match.Groups["value"].Value).ToList();

        values.ShouldNotBeEmpty();
        values.ShouldAllBe(value => Enum.GetNames<DatabaseProvider>().Contains(value));
    }

    [Fact]
    public void DataDirectories_AreTheOneTheKeysAreMountedIn()
    {
        var values = DeployFiles.AllTexts().Values.SelectMany(text => DataDirectoryValue().Matches(text)).Select(match => match.Groups["value"].Value).ToList();

        values.ShouldNotBeEmpty();
        values.ShouldAllBe(value => value == DeployFiles.ServerDataDirectory);
    }

    [Fact]
    public void TicketSigningKey_IsMountedWhereTheServerLoadsIt()
    {
        var fileName = (string)Assembly.Load("broker-server").GetType("Broker.Server.Agents.SigningKey", throwOnError: true)!
            .GetField("FileName")!.GetRawConstantValue()!;
        var path = $"{DeployFiles.ServerDataDirectory}/{fileName}";

        DeployFiles.Read("docker", "compose.yaml").ShouldContain($"target: {path}");
        DeployFiles.Read("helm", "broker-server", "templates", "deployment.yaml").ShouldContain($"mountPath: {path}");
    }

    [Fact]
    public void Probes_UseTheHealthEndpointsTheServerMaps()
    {
        var deployment = DeployFiles.Read("helm", "broker-server", "templates", "deployment.yaml");
        string[] mapped = [HostingDefaults.LivePath, HostingDefaults.ReadyPath, HostingDefaults.HealthPath];

        deployment.ShouldContain($"path: {HostingDefaults.LivePath}");
        deployment.ShouldContain($"path: {HostingDefaults.ReadyPath}");
        DeployFiles.Read("docker", "Dockerfile").ShouldContain($"GET {HostingDefaults.ReadyPath} ");
        DeployFiles.AllTexts().Values.SelectMany(text => HealthPath().Matches(text)).Select(match => match.Value)
            .ShouldAllBe(path => mapped.Contains(path));
    }

    /// <summary>An environment variable naming a configuration key, e.g. <c>Database__Provider</c>.</summary>
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+\b")]
    private static partial Regex EnvironmentKey();

    /// <summary>The value given to <c>Database__Provider</c> in an env file, compose map or Kubernetes env entry.</summary>
    [GeneratedRegex(@"Database__Provider(?:[=:]\s*|\s*\n\s*value:\s*)""?(?<value>\w+)")]
    private static partial Regex ProviderValue();

    /// <summary>The value given to <c>Broker__DataDirectory</c>.</summary>
    [GeneratedRegex(@"Broker__DataDirectory(?:[=:]\s*|\s*\n\s*value:\s*)""?(?<value>[\w/.-]+)")]
    private static partial Regex DataDirectoryValue();

    /// <summary>A health endpoint path.</summary>
    [GeneratedRegex(@"/health(?:z|/\w+)")]
    private static partial Regex HealthPath();
}
