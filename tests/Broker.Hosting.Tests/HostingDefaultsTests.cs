using Broker.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Tests;

public sealed partial class HostingDefaultsTests
{
    [Fact]
    public async Task AddBrokerDefaults_LoggedEvent_LandsInTheDataDirectoryLogAsStructuredJson()
    {
        using var directory = new TempDirectory();
        var host = BuildHost(directory, []);
        await host.StartAsync(TestContext.Current.CancellationToken);
        LogDesktopMoved(host.Services.GetRequiredService<ILogger<HostingDefaultsTests>>(), "d-42");
        await host.StopAsync(TestContext.Current.CancellationToken);
        host.Dispose();

        var logs = Directory.GetFiles(Path.Combine(directory.Path, "data", "logs"));
        logs.Length.ShouldBe(1);
        var text = await File.ReadAllTextAsync(logs[0], TestContext.Current.CancellationToken);
        text.ShouldContain("\"@mt\":\"Desktop {DesktopId} moved\"");
        text.ShouldContain("\"DesktopId\":\"d-42\"");
    }

    [Fact]
    public async Task Start_WithAnInvalidOtlpEndpoint_FailsBeforeServing()
    {
        using var directory = new TempDirectory();

        var failure = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            // Building may already fail (the logger reads the options); starting must at the latest.
            using var host = BuildHost(directory, new() { ["OpenTelemetry:OtlpEndpoint"] = "not-a-uri" });
            await host.StartAsync(TestContext.Current.CancellationToken);
        });

        failure.Message.ShouldContain("OpenTelemetry:OtlpEndpoint");
    }

    [Fact]
    public async Task Start_WithAnEmptyDataDirectory_FailsBeforeServing()
    {
        using var directory = new TempDirectory();

        var failure = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            // Building may already fail (the logger reads the options); starting must at the latest.
            using var host = BuildHost(directory, new() { ["Broker:DataDirectory"] = string.Empty });
            await host.StartAsync(TestContext.Current.CancellationToken);
        });

        failure.Message.ShouldContain("DataDirectory");
    }

    private static IHost BuildHost(TempDirectory directory, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Broker:DataDirectory"] = Path.Combine(directory.Path, "data") });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddBrokerDefaults();
        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desktop {DesktopId} moved")]
    private static partial void LogDesktopMoved(ILogger logger, string desktopId);
}
