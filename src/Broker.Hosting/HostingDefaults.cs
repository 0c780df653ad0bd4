using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Broker.Hosting;

/// <summary>The defaults every Broker process shares: structured logging and health endpoints.</summary>
public static class HostingDefaults
{
    /// <summary>Health endpoint path served by every process that listens on HTTP.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>
    /// Serilog to the console (structured, one line per event) plus the configuration's
    /// <c>Serilog</c> section, and health checks. Call first in every <c>Program.cs</c>.
    /// </summary>
    public static IHostApplicationBuilder AddBrokerDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", builder.Environment.ApplicationName)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps <see cref="HealthPath"/>.</summary>
    public static IEndpointRouteBuilder MapBrokerDefaultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(HealthPath);
        return endpoints;
    }

    /// <summary>The informational version of the product, as stamped into the entry assembly.</summary>
    public static string ProductVersion(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
    }
}
