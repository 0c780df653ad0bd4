using Broker.Persistence;
using Broker.Testing;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

/// <summary>Where one simulated broker installation keeps its state: a data directory and a database.</summary>
internal sealed class BrokerSite : IDisposable
{
    private readonly TempDirectory _directory = new("broker-server-test-");

    private BrokerSite(DatabaseProvider provider, PostgresDatabase? database)
    {
        Provider = provider;
        Database = database;
        var settings = new Dictionary<string, string?>
        {
            ["Broker:DataDirectory"] = DataDirectory,
            ["Database:Provider"] = provider.ToString(),
            // Every site warns about its first admin and key ring; hundreds of those lines would bury a
            // failure's message in the CI log.
            ["Serilog:MinimumLevel:Default"] = "Error",
            // Test worlds create healthy hosts without agents; a timed reconcile round would mark them
            // offline mid-test. Rounds still run whenever an agent connects or reports.
            ["Agents:ReconcileInterval"] = "01:00:00",
        };
        if (database is not null)
        {
            settings["ConnectionStrings:Broker"] = database.ConnectionString;
        }

        Settings = settings;
    }

    public DatabaseProvider Provider { get; }

    public PostgresDatabase? Database { get; }

    public string DataDirectory => _directory.File("data");

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public string CredentialsFile => Path.Combine(DataDirectory, "admin-credentials.txt");

    public static async Task<BrokerSite> CreateAsync(DatabaseProvider provider, PostgresCluster cluster, CancellationToken cancellationToken) =>
        new(provider, provider == DatabaseProvider.Postgres ? await cluster.CreateDatabaseAsync(cancellationToken) : null);

    /// <summary>The first administrator's password, as the broker wrote it on first start.</summary>
    public string AdminPassword() =>
        File.ReadAllLines(CredentialsFile).Single(line => line.StartsWith("password: ", StringComparison.Ordinal))["password: ".Length..];

    /// <summary>Everything the broker logged to its rolling files.</summary>
    public string LogText()
    {
        var logs = Path.Combine(DataDirectory, "logs");
        return string.Concat(Directory.GetFiles(logs).Order(StringComparer.Ordinal).Select(file =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
