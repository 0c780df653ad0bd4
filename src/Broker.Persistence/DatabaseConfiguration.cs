using Broker.Persistence.Postgres;
using Broker.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence;

/// <summary>
/// How each provider's context is configured. Shared by the running application and the design-time
/// factories so that <c>dotnet ef</c> sees exactly the model the broker runs with.
/// </summary>
internal static class DatabaseConfiguration
{
    public static void ConfigureSqlite(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new SqliteConnectionStringBuilder
            {
                DataSource = options.SqlitePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
            }.ToString()
            : options.ConnectionString;
        builder
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable(HistoryTable))
            .AddInterceptors(SqlitePragmaInterceptor.Instance);
    }

    public static void ConfigurePostgres(DbContextOptionsBuilder builder, DatabaseOptions options) =>
        builder.UseNpgsql(options.ConnectionString, npgsql => npgsql.MigrationsHistoryTable(HistoryTable));

    /// <summary>Same history table name on both providers, so operators find it in one place.</summary>
    private const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>The context type that carries <paramref name="provider"/>'s migrations.</summary>
    public static Type ContextType(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => typeof(SqliteBrokerDbContext),
        DatabaseProvider.Postgres => typeof(PostgresBrokerDbContext),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };
}
