using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Quarantine;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

public sealed class QuarantineStoreTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Record_TwiceThenAskAndMarkPromoted_KeepsOneRecordAndListsItUntilDone(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        var received = new DateTimeOffset(2026, 3, 1, 10, 30, 0, TimeSpan.FromHours(2));
        var layer = new QuarantinedLayer
        {
            Desktop = seed.Desktop.Id,
            Layer = LayerId.New(),
            Parent = LayerId.New(),
            RevokedEpoch = new Epoch(2),
            Device = seed.Device.Id,
            SizeBytes = 5L << 30,
            ReceivedAt = received,
        };
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IQuarantineStore>();

        (await store.RecordAsync(layer, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.RecordAsync(layer with { SizeBytes = 1 }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var listed = await store.ListAsync([seed.Desktop.Id], cancellationToken);
        var asked = layer with { PromoteRequestedAt = received.AddHours(1), PromoteEpoch = new Epoch(3) };
        (await store.UpdateAsync(asked, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var awaiting = await store.ListAwaitingPromotionAsync(cancellationToken);
        (await store.UpdateAsync(asked with { PromotedAt = received.AddHours(2) }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

        listed.ShouldHaveSingleItem().ShouldBe(layer);
        awaiting.ShouldHaveSingleItem().ShouldBe(asked);
        (await store.ListAwaitingPromotionAsync(cancellationToken)).ShouldBeEmpty();
        (await store.FindAsync(seed.Desktop.Id, layer.Layer, cancellationToken))!.PromotedAt.ShouldBe(received.AddHours(2));
        (await store.UpdateAsync(layer with { Layer = LayerId.New() }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.NotFound);
    }
}
