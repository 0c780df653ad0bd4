using Broker.Core.Access;
using Broker.Core.Audit;
using Broker.Core.Cluster;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Core.Quarantine;
using Broker.Persistence.Access;
using Broker.Persistence.Audit;
using Broker.Persistence.Cluster;
using Broker.Persistence.Desktops;
using Broker.Persistence.Devices;
using Broker.Persistence.Entitlements;
using Broker.Persistence.Hosts;
using Broker.Persistence.Images;
using Broker.Persistence.Pools;
using Broker.Persistence.Postgres;
using Broker.Persistence.Quarantine;
using Broker.Persistence.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Persistence;

/// <summary>Registers the broker's database. broker-server calls these; nothing else registers them.</summary>
public static class PersistenceExtensions
{
    /// <summary>
    /// Registers <see cref="BrokerDbContext"/> (scoped) and the stores implementing Broker.Core's
    /// ports (scoped, sharing the scope's context; see <see cref="IDesktopQueries"/> for list queries) for the provider chosen by <c>Database:Provider</c>,
    /// and <see cref="DatabaseOptions"/>, validated when the host starts. Configuration is read when
    /// the options are first needed, not now, so later configuration sources still apply.
    /// </summary>
    public static IServiceCollection AddBrokerPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.SectionName))
            .Configure(options =>
            {
                options.ConnectionString ??= configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
                if (configuration[DatabaseOptions.DataDirectoryKey] is { Length: > 0 } dataDirectory)
                {
                    options.DataDirectory = dataDirectory;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddDbContext<SqliteBrokerDbContext>((provider, builder) =>
            DatabaseConfiguration.ConfigureSqlite(builder, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddDbContext<PostgresBrokerDbContext>((provider, builder) =>
            DatabaseConfiguration.ConfigurePostgres(builder, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddScoped<BrokerDbContext>(provider =>
            (BrokerDbContext)provider.GetRequiredService(
                DatabaseConfiguration.ContextType(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider)));

        services.AddScoped<IImageStore, ImageStore>();
        services.AddScoped<IImageImportStore, ImageImportStore>();
        services.AddScoped<IPoolStore, PoolStore>();
        services.AddScoped<IEntitlementStore, EntitlementStore>();
        services.AddScoped<IHostStore, HostStore>();
        services.AddScoped<IDeviceStore, DeviceStore>();
        services.AddScoped<DesktopStore>();
        services.AddScoped<IDesktopStore>(provider => provider.GetRequiredService<DesktopStore>());
        services.AddScoped<IDesktopQueries>(provider => provider.GetRequiredService<DesktopStore>());
        services.AddScoped<IQuarantineStore, QuarantineStore>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<IEnrollmentTokenStore, EnrollmentTokenStore>();
        services.AddScoped<IAgentCredentialStore, AgentCredentialStore>();
        services.AddScoped<IAccessTokenStore, AccessTokenStore>();
        services.AddSingleton<IClusterBus>(provider => provider.GetRequiredService<IOptions<DatabaseOptions>>().Value is { Provider: DatabaseProvider.Postgres, ConnectionString: { } connectionString }
            ? new PostgresNotifyBus(connectionString, provider.GetRequiredService<ILogger<PostgresNotifyBus>>())
            : new SingleInstanceBus());
        return services;
    }

    /// <summary>
    /// Brings the database to the newest migration (creating the SQLite file and its directory if
    /// needed). Safe to call from several broker instances at once: EF Core takes a database lock
    /// around migrating.
    /// </summary>
    public static async Task MigrateBrokerDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                CreatePrivateDirectory(Path.GetDirectoryName(options.SqlitePath)!);
            }

            var context = scope.ServiceProvider.GetRequiredService<BrokerDbContext>();
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the directory readable by the broker's user only; leaves an existing one as it is.</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
