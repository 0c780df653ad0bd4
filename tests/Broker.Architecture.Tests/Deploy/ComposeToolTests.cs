using Broker.Testing;

namespace Broker.Architecture.Tests.Deploy;

/// <summary>
/// The compose file as Compose itself reads it (<c>docker-compose config</c>, Debian's Compose 1.x:
/// it parses, interpolates and validates against the Compose schema without a Docker daemon).
/// </summary>
public sealed class ComposeToolTests
{
    [Fact]
    public async Task Config_WithTheExampleEnvironment_IsValid()
    {
        using var project = CopyOfTheDockerFolder(withEnvironment: true);

        var config = await ComposeConfigAsync(project);

        config.ExitCode.ShouldBe(0, config.ToString());
        config.StandardOutput.ShouldContain("Database__Provider: Postgres");
        config.StandardOutput.ShouldContain("Password=change-me");
        config.StandardOutput.ShouldContain("condition: service_healthy");
        config.StandardOutput.ShouldContain("target: /var/lib/broker-server/ticket-signing-key.pem");
    }

    [Fact]
    public async Task Config_WithoutThePassword_RefusesAndSaysWhatToSet()
    {
        using var project = CopyOfTheDockerFolder(withEnvironment: false);

        var config = await ComposeConfigAsync(project);

        config.ExitCode.ShouldNotBe(0, config.ToString());
        config.StandardError.ShouldContain("set BROKER_DB_PASSWORD in .env");
    }

    /// <summary>A copy, so that a developer's own <c>.env</c> beside the real file plays no part.</summary>
    private static TempDirectory CopyOfTheDockerFolder(bool withEnvironment)
    {
        var project = new TempDirectory("compose");
        File.Copy(Path.Combine(DeployFiles.Directory, "docker", "compose.yaml"), project.File("compose.yaml"));
        if (withEnvironment)
        {
            File.Copy(Path.Combine(DeployFiles.Directory, "docker", "env.example"), project.File(".env"));
        }

        return project;
    }

    private static Task<ToolResult> ComposeConfigAsync(TempDirectory project) =>
        ExternalTool.RunAsync(
            "env",
            ["-u", "BROKER_DB_PASSWORD", "-u", "BROKER_BIND", "-u", "COMPOSE_PROJECT_NAME", "docker-compose", "--project-directory", project.Path, "-f", project.File("compose.yaml"), "config"],
            TestContext.Current.CancellationToken,
            workingDirectory: project.Path);
}
