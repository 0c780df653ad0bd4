using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Leases;
using Broker.Core.Pools;
using Broker.Persistence.Desktops;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

public sealed class DomainStoreTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Stores_AfterAdd_ReadBackEqualValues(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);

        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);

        await using var scope = harness.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        (await services.GetRequiredService<IImageStore>().FindAsync(seed.Image.Id, cancellationToken)).ShouldBe(seed.Image);
        (await services.GetRequiredService<IPoolStore>().FindAsync(seed.Pool.Id, cancellationToken)).ShouldBe(seed.Pool);
        (await services.GetRequiredService<IHostStore>().FindAsync(seed.Host.Id, cancellationToken)).ShouldBe(seed.Host);
        (await services.GetRequiredService<IDeviceStore>().FindAsync(seed.Device.Id, cancellationToken)).ShouldBe(seed.Device);
        (await services.GetRequiredService<IDesktopStore>().FindAsync(seed.Desktop.Id, cancellationToken)).ShouldBe(seed.Desktop);
        seed.Desktop.Version.ShouldBe(1);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DesktopStore_UpdateWithEveryFieldSet_ReadsBackEqualAndBumpsTheVersion(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        var issued = new DateTimeOffset(2026, 3, 1, 10, 30, 0, TimeSpan.FromHours(2));
        var changed = seed.Desktop with
        {
            State = DesktopState.CheckedOut,
            Epoch = new Epoch(7),
            ServerCopyLocked = true,
            Device = seed.Device.Id,
            Lease = new Lease(new Epoch(7), new LeaseTerm(issued, issued.AddDays(3))),
            TransferPaused = true,
            LastAckedLayer = LayerId.New(),
            LastSyncAt = issued.AddHours(1),
            LastRevocation = new Revocation(seed.Device.Id, new Epoch(6)),
        };

        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDesktopStore>();
        var result = await store.UpdateAsync(changed, cancellationToken);

        result.ShouldBe(WriteResult.Saved(2));
        var read = await store.FindAsync(seed.Desktop.Id, cancellationToken);
        read.ShouldBe(changed with { Version = 2 });
        read!.Lease!.ExpiresAt.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DesktopStore_TwoContextsUpdateTheSameVersion_ExactlyOneIsSaved(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var first = harness.Services.CreateAsyncScope();
        await using var second = harness.Services.CreateAsyncScope();

        var results = await Task.WhenAll(
            CheckOutAsync(first.ServiceProvider, seed, cancellationToken),
            CheckOutAsync(second.ServiceProvider, seed, cancellationToken));

        results.Count(result => result.Outcome == WriteOutcome.Saved).ShouldBe(1);
        results.Count(result => result.Outcome == WriteOutcome.Conflict).ShouldBe(1);
        await using var scope = harness.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(seed.Desktop.Id, cancellationToken);
        stored!.State.ShouldBe(DesktopState.CheckOutRequested);
        stored.Version.ShouldBe(2);
    }

    [Fact]
    public async Task DesktopStore_TwoBrokerInstancesOnOnePostgres_ExactlyOneIsSaved()
    {
        // Two service providers = two broker processes: separate connection pools, one database.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var first = await MigratedAsync(DatabaseProvider.Postgres, cancellationToken);
        await using var second = await PersistenceHarness.CreateSharingAsync(first, cancellationToken);
        var seed = await DomainSeed.CreateAsync(first.Services, cancellationToken);
        await using var firstScope = first.Services.CreateAsyncScope();
        await using var secondScope = second.Services.CreateAsyncScope();

        var results = await Task.WhenAll(
            CheckOutAsync(firstScope.ServiceProvider, seed, cancellationToken),
            CheckOutAsync(secondScope.ServiceProvider, seed, cancellationToken));

        results.Select(result => result.Outcome).Order().ShouldBe([WriteOutcome.Saved, WriteOutcome.Conflict]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DesktopStore_UpdateOfAnUnknownDesktop_IsNotFound(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<IDesktopStore>()
            .UpdateAsync(seed.Desktop with { Id = DesktopId.New() }, cancellationToken);

        result.ShouldBe(WriteResult.NotFound);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Stores_AddOfADuplicateName_IsAConflictAndChangesNothing(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var pools = scope.ServiceProvider.GetRequiredService<IPoolStore>();
        var images = scope.ServiceProvider.GetRequiredService<IImageStore>();

        (await pools.AddAsync(seed.Pool with { Id = PoolId.New() }, cancellationToken)).ShouldBe(WriteResult.Conflict);
        (await images.AddAsync(seed.Image with { Id = ImageId.New() }, cancellationToken)).ShouldBe(WriteResult.Conflict);

        (await pools.ListAsync(cancellationToken)).ShouldBe([seed.Pool]);
        (await images.ListAsync(cancellationToken)).ShouldBe([seed.Image]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PoolStore_UpdateWithAStaleVersion_IsAConflict(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var pools = scope.ServiceProvider.GetRequiredService<IPoolStore>();
        (await pools.UpdateAsync(seed.Pool with { DesiredSize = 5 }, cancellationToken)).ShouldBe(WriteResult.Saved(2));

        var stale = await pools.UpdateAsync(seed.Pool with { DesiredSize = 9 }, cancellationToken);

        stale.ShouldBe(WriteResult.Conflict);
        (await pools.FindAsync(seed.Pool.Id, cancellationToken))!.DesiredSize.ShouldBe(5);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EntitlementStore_ForAUserAndTheirGroup_FindsBothAndNothingElse(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IEntitlementStore>();
        var forAlice = new Entitlement(seed.Pool.Id, Principal.ForUser(DomainSeed.Alice));
        var forGroup = new Entitlement(seed.Pool.Id, Principal.ForGroup(new GroupId("engineers")));
        var forBob = new Entitlement(seed.Pool.Id, Principal.ForUser(new UserId("user-bob")));
        foreach (var entitlement in new[] { forAlice, forGroup, forBob })
        {
            (await store.AddAsync(entitlement, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }

        var found = await store.ListForPrincipalsAsync([Principal.ForUser(DomainSeed.Alice), Principal.ForGroup(new GroupId("engineers"))], cancellationToken);

        found.ShouldBe([forAlice, forGroup], ignoreOrder: true);
        (await store.AddAsync(forAlice, cancellationToken)).ShouldBe(WriteResult.Conflict);
        (await store.AddAsync(forAlice with { Pool = PoolId.New() }, cancellationToken)).ShouldBe(WriteResult.NotFound);
        (await store.RemoveAsync(forBob, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.ListForPoolAsync(seed.Pool.Id, cancellationToken)).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AuditLog_Query_ReturnsMatchingEntriesNewestFirstAndIgnoresARepeatedAppend(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<IAuditLog>();
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var older = new AuditEvent(Guid.NewGuid(), at, "alice", "desktop.CheckOutRequested", "desktop:1", true, "a");
        var newer = new AuditEvent(Guid.NewGuid(), at.AddMinutes(1), "alice", "desktop.CheckInRequested", "desktop:1", true, "b");
        var other = new AuditEvent(Guid.NewGuid(), at.AddMinutes(2), "bob", "pool.created", "pool:2", true, "c");

        foreach (var entry in new[] { older, newer, other, older })
        {
            await log.AppendAsync(entry, cancellationToken);
        }

        (await log.QueryAsync(new AuditQuery(Actor: "alice"), cancellationToken)).ShouldBe([newer, older]);
        (await log.QueryAsync(new AuditQuery(From: at.AddMinutes(1)), cancellationToken)).ShouldBe([other, newer]);
        (await log.QueryAsync(new AuditQuery(Skip: 1, Take: 1), cancellationToken)).ShouldBe([newer]);
        (await log.QueryAsync(new AuditQuery(Action: "desktop.CheckInRequested"), cancellationToken)).ShouldBe([newer]);
        (await log.QueryAsync(new AuditQuery(Action: "desktop."), cancellationToken)).ShouldBe([newer, older]);
        (await log.QueryAsync(new AuditQuery(Action: "desktop"), cancellationToken)).ShouldBeEmpty();
        (await log.QueryAsync(new AuditQuery(Action: "p%."), cancellationToken)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DesktopQueries_FilterAndPage_ReturnThePageAndTheTotal(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDesktopStore>();
        for (var i = 2; i <= 4; i++)
        {
            var desktop = DesktopStateMachine.Create(DesktopId.New(), seed.Pool.Id, $"Engineering-00{i}", seed.Host.Id, seed.Image.Id).Desktop;
            (await store.AddAsync(desktop, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }

        var queries = scope.ServiceProvider.GetRequiredService<IDesktopQueries>();
        var provisioning = await queries.ListAsync(new DesktopFilter(Pool: seed.Pool.Id, State: DesktopState.Provisioning, Skip: 1, Take: 1), cancellationToken);
        var alices = await queries.ListAsync(new DesktopFilter(Assignee: DomainSeed.Alice), cancellationToken);

        provisioning.Total.ShouldBe(3);
        provisioning.Items.Select(desktop => desktop.Name).ShouldBe(["Engineering-003"]);
        alices.Items.ShouldBe([seed.Desktop]);
    }

    private static async Task<WriteResult> CheckOutAsync(IServiceProvider services, DomainSeed seed, CancellationToken cancellationToken)
    {
        // Both writers act on what they read at version 1: the race is decided by the database alone.
        var result = DesktopStateMachine.Apply(seed.Desktop, new CheckOutRequested(seed.Desktop.Epoch, seed.Device.Id));
        result.IsAccepted.ShouldBeTrue();
        await Task.Yield();
        return await services.GetRequiredService<IDesktopStore>().UpdateAsync(result.Desktop, cancellationToken);
    }

    private async Task<PersistenceHarness> MigratedAsync(DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        return harness;
    }
}
