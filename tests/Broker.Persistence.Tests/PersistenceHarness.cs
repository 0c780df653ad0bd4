using Broker.Persistence.Identity;
using Broker.Testing;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

/// <summary>
/// <see cref="PersistenceExtensions.AddBrokerPersistence"/> wired the way broker-server wires it, on a
/// fresh SQLite data directory or a fresh PostgreSQL database.
/// </summary>
internal sealed class PersistenceHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TempDirectory _dataDirectory;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private PersistenceHarness(ServiceProvider services, TempDirectory dataDirectory, DatabaseProvider provider, IReadOnlyDictionary<string, string?> settings)
    {
        _services = services;
        _dataDirectory = dataDirectory;
        Provider = provider;
        _settings = settings;
    }

    public DatabaseProvider Provider { get; }

    public IServiceProvider Services => _services;

    public string DataDirectory => _dataDirectory.File("data");

    public static async Task<PersistenceHarness> CreateAsync(DatabaseProvider provider, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        var dataDirectory = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Broker:DataDirectory"] = dataDirectory.File("data"),
            ["Database:Provider"] = provider.ToString(),
        };
        if (provider == DatabaseProvider.Postgres)
        {
            settings["ConnectionStrings:Broker"] = (await cluster.CreateDatabaseAsync(cancellationToken)).ConnectionString;
        }

        return Build(provider, settings, dataDirectory);
    }

    /// <summary>A second, independent service provider on <paramref name="other"/>'s database: another broker instance.</summary>
    public static Task<PersistenceHarness> CreateSharingAsync(PersistenceHarness other, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(other);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Build(other.Provider, other._settings, new TempDirectory()));
    }

    private static PersistenceHarness Build(DatabaseProvider provider, IReadOnlyDictionary<string, string?> settings, TempDirectory dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .Configure<IdentityOptions>(identity => IdentitySchema.Configure(identity.Stores))
            .AddBrokerPersistence(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new PersistenceHarness(services, dataDirectory, provider, settings);
    }

    /// <summary>A scope and its context; dispose the scope.</summary>
    public (AsyncServiceScope Scope, BrokerDbContext Context) OpenContext()
    {
        var scope = _services.CreateAsyncScope();
        return (scope, scope.ServiceProvider.GetRequiredService<BrokerDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dataDirectory.Dispose();
    }
}
