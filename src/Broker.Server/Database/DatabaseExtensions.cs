using Broker.Hosting;
using Broker.Persistence;

namespace Broker.Server.Database;

/// <summary>The database area: EF Core context, start-up migration and the readiness check.</summary>
internal static class DatabaseExtensions
{
    public static IHostApplicationBuilder AddBrokerDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddBrokerPersistence(builder.Configuration);
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
