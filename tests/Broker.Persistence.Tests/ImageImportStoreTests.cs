using Broker.Core;
using Broker.Core.Images;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

public sealed class ImageImportStoreTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AddFindListAndSetState_RoundTrip_AndNameWithVersionStaysUnique(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
        var import = new ImageImport
        {
            Id = ImageId.New(),
            Name = "win11",
            Version = "2026.11",
            State = ImageImportState.Uploaded,
            FileSizeBytes = 64L << 30,
            FileSha256 = new string('c', 64),
            UploadedAt = new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.FromHours(1)),
        };
        var longReason = new string('r', 5000);

        (await store.AddAsync(import, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.AddAsync(import with { Id = ImageId.New() }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Conflict);
        (await store.AddAsync(import with { Id = ImageId.New(), Version = "2026.12" }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var found = await store.FindAsync(import.Id, cancellationToken);
        (await store.SetStateAsync(import.Id, ImageImportState.Failed, longReason, cancellationToken)).ShouldBeTrue();
        (await store.SetStateAsync(ImageId.New(), ImageImportState.Ready, null, cancellationToken)).ShouldBeFalse();

        found.ShouldBe(import);
        var failed = (await store.FindAsync(import.Id, cancellationToken)).ShouldNotBeNull();
        failed.State.ShouldBe(ImageImportState.Failed);
        failed.Reason.ShouldBe(longReason[..1000]);
        (await store.ListAsync(cancellationToken)).Select(listed => listed.Version).ShouldBe(["2026.11", "2026.12"]);
    }
}
