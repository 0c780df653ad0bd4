using Broker.Persistence.Identity;
using Broker.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Broker.Persistence.Tests;

public sealed class MigrationTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task MigrateBrokerDatabaseAsync_OnAnEmptyDatabase_AppliesEveryMigration(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);

        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        var (scope, context) = harness.OpenContext();
        await using (scope)
        {
            var all = context.Database.GetMigrations().ToList();
            all.ShouldNotBeEmpty();
            (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ShouldBe(all);
            (await context.Users.CountAsync(cancellationToken)).ShouldBe(0);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task MigrateBrokerDatabaseAsync_RunTwice_KeepsTheData(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        var (scope, context) = harness.OpenContext();
        await using (scope)
        {
            context.Users.Add(new BrokerUser { UserName = "alice", NormalizedUserName = "ALICE" });
            await context.SaveChangesAsync(cancellationToken);
        }

        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        (scope, context) = harness.OpenContext();
        await using (scope)
        {
            (await context.Users.SingleAsync(cancellationToken)).UserName.ShouldBe("alice");
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Model_ComparedWithTheNewestMigration_HasNoPendingChanges(DatabaseProvider provider)
    {
        // Fails when an entity or mapping changes without `dotnet ef migrations add` for this provider.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);

        var (scope, context) = harness.OpenContext();
        await using (scope)
        {
            context.Database.HasPendingModelChanges().ShouldBeFalse();
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Microsoft.EntityFrameworkCore.Sqlite")]
    [InlineData(DatabaseProvider.Postgres, "Npgsql.EntityFrameworkCore.PostgreSQL")]
    public async Task BrokerDbContext_ForAProvider_UsesThatProvidersMigrations(DatabaseProvider provider, string providerName)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);

        var (scope, context) = harness.OpenContext();
        await using (scope)
        {
            context.Database.ProviderName.ShouldBe(providerName);
            var migrations = context.GetService<IMigrationsAssembly>().Migrations.Values.ToList();
            migrations.ShouldNotBeEmpty();
            migrations.ShouldAllBe(migration => migration.Namespace == $"Broker.Persistence.{provider}.Migrations");
        }
    }
}
