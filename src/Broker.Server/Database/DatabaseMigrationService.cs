using Broker.Persistence;

namespace Broker.Server.Database;

/// <summary>
/// Migrates the database before the server takes requests. Hosted services start in registration
/// order and before Kestrel, so everything registered after this one sees the current schema. A
/// database that cannot be reached or migrated stops the start.
/// </summary>
internal sealed partial class DatabaseMigrationService(IServiceProvider services, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.MigrateBrokerDatabaseAsync(cancellationToken);
        LogMigrated(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Database is at the newest migration")]
    private static partial void LogMigrated(ILogger logger);
}
