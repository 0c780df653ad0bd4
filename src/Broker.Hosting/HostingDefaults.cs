using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using Serilog;
using Serilog.Formatting.Compact;

namespace Broker.Hosting;

/// <summary>
/// The defaults every Broker process shares: options, structured logging to console and a rolling
/// file, OpenTelemetry, health checks and their endpoints.
/// </summary>
public static class HostingDefaults
{
    /// <summary>All health checks; kept for probes written before the live/ready split.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>Liveness: the process answers. Runs no checks.</summary>
    public const string LivePath = "/health/live";

    /// <summary>Readiness: the checks tagged <see cref="HealthTags.Ready"/> (the database, for the server) pass.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>Console line format; <c>RequestId</c> ties a line to the request that caused it.</summary>
    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {RequestId}{NewLine}{Exception}";

    /// <summary>Days of log files kept in the data directory.</summary>
    private const int RetainedLogFiles = 14;

    /// <summary>
    /// Meters exported. The ASP.NET Core, HTTP client and runtime meters are built into .NET; the
    /// broker's own meters are named <c>Broker.*</c>.
    /// </summary>
    private static readonly string[] Meters =
    [
        "Broker.*", "Microsoft.AspNetCore.*", "System.Net.Http", "System.Runtime", "Npgsql",
    ];

    /// <summary>Activity sources traced.</summary>
    private static readonly string[] ActivitySources = ["Broker.*", "Microsoft.AspNetCore", "System.Net.Http", "Npgsql"];

    /// <summary>
    /// Registers <see cref="BrokerOptions"/> and <see cref="TelemetryOptions"/> (validated at start),
    /// Serilog (console plus a daily rolling compact-JSON file under the data directory's <c>logs</c>),
    /// OpenTelemetry metrics and traces (OTLP export only when configured), health checks and a
    /// <see cref="TimeProvider"/>. Call first in every <c>Program.cs</c>.
    /// </summary>
    public static IHostApplicationBuilder AddBrokerDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<BrokerOptions>()
            .BindConfiguration(BrokerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        var applicationName = builder.Environment.ApplicationName;
        services.AddSerilog((provider, logger) => logger
            .ReadFrom.Configuration(provider.GetRequiredService<IConfiguration>())
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", applicationName)
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture)
            .WriteTo.File(
                new CompactJsonFormatter(),
                Path.Combine(provider.GetRequiredService<IOptions<BrokerOptions>>().Value.LogDirectory, $"{applicationName}-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: RetainedLogFiles),
            // Each host keeps its own logger instead of replacing the process-wide Log.Logger, so
            // several hosts in one process (tests) never write into each other's files.
            preserveStaticLogger: true);

        AddOpenTelemetry(builder, applicationName);
        services.AddHealthChecks();
        return builder;
    }

    /// <summary>Logs one line per HTTP request (method, path, status, elapsed) carrying the request id.</summary>
    public static IApplicationBuilder UseBrokerRequestLogging(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseSerilogRequestLogging();
    }

    /// <summary>Maps <see cref="HealthPath"/>, <see cref="LivePath"/> and <see cref="ReadyPath"/>, open to anonymous callers.</summary>
    public static IEndpointRouteBuilder MapBrokerDefaultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(HealthPath).AllowAnonymous();
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) }).AllowAnonymous();
        return endpoints;
    }

    /// <summary>The informational version of the product, as stamped into the entry assembly.</summary>
    public static string ProductVersion(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
    }

    /// <remarks>
    /// Whether to export is decided here, from the configuration known at registration, because an
    /// exporter without an endpoint would try a default collector on localhost forever.
    /// </remarks>
    private static void AddOpenTelemetry(IHostApplicationBuilder builder, string applicationName)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(applicationName))
            .WithMetrics(metrics => metrics.AddMeter(Meters))
            .WithTracing(tracing => tracing.AddSource(ActivitySources));

        var configured = builder.Configuration[$"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.OtlpEndpoint)}"];
        if (TelemetryOptionsValidator.TryParseEndpoint(configured, out var endpoint))
        {
            telemetry.UseOtlpExporter(OtlpExportProtocol.Grpc, endpoint);
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.StandardEndpointKey]))
        {
            telemetry.UseOtlpExporter();
        }
    }
}
