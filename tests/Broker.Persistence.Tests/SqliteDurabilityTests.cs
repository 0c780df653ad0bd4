using System.Runtime.Versioning;
using Broker.Testing.Databases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Tests;

public sealed class SqliteDurabilityTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Connection_OpenedByTheContext_UsesWalAndSynchronousFull()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        var (scope, context) = harness.OpenContext();
        await using (scope)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
            var connection = context.Database.GetDbConnection();

            (await PragmaAsync(connection, "journal_mode", cancellationToken)).ShouldBe("wal");
            (await PragmaAsync(connection, "synchronous", cancellationToken)).ShouldBe("2"); // 2 = FULL
            (await PragmaAsync(connection, "foreign_keys", cancellationToken)).ShouldBe("1");
        }
    }

    [Fact]
    public async Task DatabaseFile_AfterMigration_IsInWalModeForEveryReader()
    {
        // journal_mode=WAL is stored in the file: a connection that bypasses the broker sees it too.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(harness.DataDirectory, "broker.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);

        (await PragmaAsync(connection, "journal_mode", cancellationToken)).ShouldBe("wal");
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task MigrateBrokerDatabaseAsync_WithoutADataDirectory_CreatesItForTheOwnerOnly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        Directory.Exists(harness.DataDirectory).ShouldBeFalse();

        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        File.Exists(Path.Combine(harness.DataDirectory, "broker.db")).ShouldBeTrue();
        File.GetUnixFileMode(harness.DataDirectory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<string> PragmaAsync(System.Data.Common.DbConnection connection, string pragma, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
