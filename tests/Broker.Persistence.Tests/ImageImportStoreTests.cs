using Broker.Core;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

public sealed class ImageImportStoreTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AddFindAndList_RoundTrip_AndNameWithVersionStaysUnique(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
        var import = Upload("2026.11");

        (await store.AddAsync(import, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.AddAsync(import with { Id = ImageId.New() }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Conflict);
        (await store.AddAsync(import with { Id = ImageId.New(), Version = "2026.12" }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

        (await store.FindAsync(import.Id, cancellationToken)).ShouldBe(import);
        (await store.FindAsync(ImageId.New(), cancellationToken)).ShouldBeNull();
        (await store.ListAsync(cancellationToken)).Select(listed => listed.Version).ShouldBe(["2026.11", "2026.12"]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HostStates_OfferNeverReplacesAnAnswer_AnswersReplaceEachOther_AndRetryClearsOnlyFailures(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
        var (full, roomy, late) = (await AddHostAsync(scope, "full"), await AddHostAsync(scope, "roomy"), await AddHostAsync(scope, "late"));
        var image = Upload("1");
        var other = Upload("2");
        (await store.AddAsync(image, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.AddAsync(other, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var longDetail = new string('d', 5000);

        (await store.MarkOfferedAsync(image.Id, full, Noon, cancellationToken)).ShouldBeTrue();
        (await store.MarkOfferedAsync(image.Id, full, Noon.AddMinutes(1), cancellationToken)).ShouldBeFalse();
        (await store.MarkOfferedAsync(image.Id, roomy, Noon, cancellationToken)).ShouldBeTrue();
        (await store.MarkOfferedAsync(other.Id, late, Noon, cancellationToken)).ShouldBeTrue();
        (await store.RecordAsync(State(image.Id, full, ImageHostImportState.Failed, longDetail, 2), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.RecordAsync(State(image.Id, roomy, ImageHostImportState.Imported, null, 3), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.MarkOfferedAsync(image.Id, full, Noon.AddMinutes(4), cancellationToken)).ShouldBeFalse();
        (await store.RecordAsync(State(image.Id, late, ImageHostImportState.Failed, "disk full", 5), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.RecordAsync(State(image.Id, HostId.New(), ImageHostImportState.Failed, "who?", 6), cancellationToken)).Outcome.ShouldBe(WriteOutcome.NotFound);

        var states = await store.ListHostsAsync(image.Id, cancellationToken);
        states.ShouldBe(
        [
            State(image.Id, full, ImageHostImportState.Failed, longDetail[..ImageImportHost.MaxDetailLength], 2),
            State(image.Id, roomy, ImageHostImportState.Imported, null, 3),
            State(image.Id, late, ImageHostImportState.Failed, "disk full", 5),
        ]);
        (await store.ListAllHostsAsync(cancellationToken)).Select(state => (state.Image, state.Host, state.State))
            .ShouldBe([(other.Id, late, ImageHostImportState.Offered), (image.Id, full, ImageHostImportState.Failed), (image.Id, roomy, ImageHostImportState.Imported), (image.Id, late, ImageHostImportState.Failed)]);

        (await store.ClearFailedAsync(image.Id, cancellationToken)).ShouldBe(2);
        (await store.ClearFailedAsync(image.Id, cancellationToken)).ShouldBe(0);
        (await store.ListHostsAsync(image.Id, cancellationToken)).ShouldHaveSingleItem().Host.ShouldBe(roomy);
        (await store.MarkOfferedAsync(image.Id, full, Noon.AddMinutes(7), cancellationToken)).ShouldBeTrue();
        (await store.ListHostsAsync(other.Id, cancellationToken)).ShouldHaveSingleItem().State.ShouldBe(ImageHostImportState.Offered);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HostStates_OfAnImageWithNoUpload_AreKept(DatabaseProvider provider)
    {
        // An image registered by address has per-host states but no upload row.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
        var (holding, failing) = (await AddHostAsync(scope, "holding"), await AddHostAsync(scope, "failing"));
        var byAddress = ImageId.New();

        (await store.MarkOfferedAsync(byAddress, holding, Noon, cancellationToken)).ShouldBeTrue();
        (await store.MarkOfferedAsync(byAddress, failing, Noon, cancellationToken)).ShouldBeTrue();
        (await store.RecordAsync(State(byAddress, holding, ImageHostImportState.Imported, null, 1), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.RecordAsync(State(byAddress, failing, ImageHostImportState.Failed, "source unreachable", 2), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

        (await store.ListHostsAsync(byAddress, cancellationToken)).ShouldBe(
            [State(byAddress, holding, ImageHostImportState.Imported, null, 1), State(byAddress, failing, ImageHostImportState.Failed, "source unreachable", 2)]);
        (await store.ClearFailedAsync(byAddress, cancellationToken)).ShouldBe(1);
        (await store.ListAsync(cancellationToken)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Migration_ToHostStatesForAnyImage_KeepsTheStates_AndAHostsStatesStillGoWithIt(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        var import = Upload("kept");
        Directory.CreateDirectory(harness.DataDirectory); // broker-server's start makes it; this test migrates by hand first
        var (scope, context) = harness.OpenContext();
        HostId host;
        await using (scope)
        {
            var before = context.Database.GetMigrations().Single(migration => migration.EndsWith("_DesktopPowerRequested", StringComparison.Ordinal));
            await context.GetService<IMigrator>().MigrateAsync(before, cancellationToken);
            host = await AddHostAsync(scope, "kept-host");
            var store = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
            (await store.AddAsync(import, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            (await store.RecordAsync(State(import.Id, host, ImageHostImportState.Imported, null, 1), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            (await store.RecordAsync(State(ImageId.New(), host, ImageHostImportState.Imported, null, 1), cancellationToken)).Outcome.ShouldBe(WriteOutcome.NotFound);
        }

        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        (scope, context) = harness.OpenContext();
        await using (scope)
        {
            var store = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
            (await store.ListHostsAsync(import.Id, cancellationToken)).ShouldBe([State(import.Id, host, ImageHostImportState.Imported, null, 1)]);
            var byAddress = ImageId.New();
            (await store.RecordAsync(State(byAddress, host, ImageHostImportState.Imported, null, 2), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            (await store.RecordAsync(State(byAddress, HostId.New(), ImageHostImportState.Imported, null, 2), cancellationToken)).Outcome.ShouldBe(WriteOutcome.NotFound);

            object id = provider == DatabaseProvider.Sqlite ? host.Value.ToString().ToUpperInvariant() : host.Value;
            (await context.Database.ExecuteSqlAsync($"""DELETE FROM "Hosts" WHERE "Id" = {id}""", cancellationToken)).ShouldBe(1);
            (await store.ListAllHostsAsync(cancellationToken)).ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Migration_OfAnUploadThatFailedAsAWhole_KeepsItWithNoHostStates(DatabaseProvider provider)
    {
        // Before ImageImportHosts an upload carried one state; a Failed one now has no host state, so it is offered again.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        var import = Upload("legacy");
        Directory.CreateDirectory(harness.DataDirectory); // broker-server's start makes it; this test migrates by hand first
        var (scope, context) = harness.OpenContext();
        await using (scope)
        {
            var before = context.Database.GetMigrations().Single(migration => migration.EndsWith("_AddImageImportState", StringComparison.Ordinal));
            await context.GetService<IMigrator>().MigrateAsync(before, cancellationToken);
            object id = provider == DatabaseProvider.Sqlite ? import.Id.Value.ToString().ToUpperInvariant() : import.Id.Value;
            var uploadedAt = import.UploadedAt.UtcTicks;
            (await context.Database.ExecuteSqlAsync(
                $"""INSERT INTO "ImageImports" ("Id", "Name", "Version", "State", "Reason", "FileSizeBytes", "FileSha256", "UploadedAt") VALUES ({id}, {import.Name}, {import.Version}, 'Failed', 'host x: disk full', {import.FileSizeBytes}, {import.FileSha256}, {uploadedAt})""",
                cancellationToken)).ShouldBe(1);
        }

        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);

        await using var after = harness.Services.CreateAsyncScope();
        var store = after.ServiceProvider.GetRequiredService<IImageImportStore>();
        (await store.FindAsync(import.Id, cancellationToken)).ShouldBe(import with { UploadedAt = import.UploadedAt.ToUniversalTime() });
        (await store.ListHostsAsync(import.Id, cancellationToken)).ShouldBeEmpty();
    }

    private static ImageImport Upload(string version) => new()
    {
        Id = ImageId.New(),
        Name = "win11",
        Version = version,
        FileSizeBytes = 64L << 30,
        FileSha256 = new string('c', 64),
        UploadedAt = new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.FromHours(1)),
    };

    private static ImageImportHost State(ImageId image, HostId host, ImageHostImportState state, string? detail, int minutes) =>
        new() { Image = image, Host = host, State = state, Detail = detail, UpdatedAt = Noon.AddMinutes(minutes) };

    private static async Task<HostId> AddHostAsync(AsyncServiceScope scope, string name)
    {
        var host = Host.Create(HostId.New(), new HostDraft(name, 4)).Value!;
        (await scope.ServiceProvider.GetRequiredService<IHostStore>().AddAsync(host, TestContext.Current.CancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return host.Id;
    }
}
