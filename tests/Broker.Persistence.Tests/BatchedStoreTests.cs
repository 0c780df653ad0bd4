using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

/// <summary>The store methods the reconcile loop and the last-seen flush use to read and write many rows at once.</summary>
public sealed class BatchedStoreTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RecordLastSeen_MovesTimesForwardOnlyAndKeepsVersionsAndHealth(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        await using var scope = harness.Services.CreateAsyncScope();
        var hosts = scope.ServiceProvider.GetRequiredService<IHostStore>();
        var devices = scope.ServiceProvider.GetRequiredService<IDeviceStore>();
        var laterHost = Host.Create(HostId.New(), new HostDraft("host-2", 10)).Value! with { LastSeen = now.AddMinutes(5) };
        laterHost = laterHost with { Version = (await hosts.AddAsync(laterHost, cancellationToken)).Version };

        await hosts.RecordLastSeenAsync(
            new Dictionary<HostId, DateTimeOffset> { [seed.Host.Id] = now.AddMilliseconds(700), [laterHost.Id] = now, [HostId.New()] = now },
            cancellationToken);
        await devices.RecordLastSeenAsync(new Dictionary<DeviceId, DateTimeOffset> { [seed.Device.Id] = now.AddSeconds(3) }, cancellationToken);

        (await hosts.FindAsync(seed.Host.Id, cancellationToken)).ShouldBe(seed.Host with { LastSeen = now }); // rounded down to the second
        (await hosts.FindAsync(laterHost.Id, cancellationToken)).ShouldBe(laterHost); // never moved back
        (await devices.FindAsync(seed.Device.Id, cancellationToken)).ShouldBe(seed.Device with { LastSeen = now.AddSeconds(3) });
        (await hosts.UpdateAsync(seed.Host with { Draining = true }, cancellationToken)).Outcome.ShouldBe(Core.WriteOutcome.Saved);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListByHostsAndFindMany_ReturnExactlyTheNamedRows(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        var seed = await DomainSeed.CreateAsync(harness.Services, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var desktops = scope.ServiceProvider.GetRequiredService<IDesktopStore>();
        var hosts = scope.ServiceProvider.GetRequiredService<IHostStore>();
        var otherHost = Host.Create(HostId.New(), new HostDraft("host-2", 10)).Value!;
        await hosts.AddAsync(otherHost, cancellationToken);
        var elsewhere = DesktopStateMachine.Create(DesktopId.New(), seed.Pool.Id, "Engineering-002", otherHost.Id, seed.Image.Id).Desktop;
        elsewhere = elsewhere with { Version = (await desktops.AddAsync(elsewhere, cancellationToken)).Version };

        (await desktops.ListByHostsAsync([seed.Host.Id], cancellationToken)).ShouldBe([seed.Desktop]);
        (await desktops.ListByHostsAsync([seed.Host.Id, otherHost.Id], cancellationToken)).ShouldBe([seed.Desktop, elsewhere], ignoreOrder: true);
        (await desktops.ListByHostsAsync([], cancellationToken)).ShouldBeEmpty();
        (await desktops.FindManyAsync([elsewhere.Id, DesktopId.New()], cancellationToken)).ShouldBe([elsewhere]);
        (await scope.ServiceProvider.GetRequiredService<IDeviceStore>().FindManyAsync([seed.Device.Id, DeviceId.New()], cancellationToken)).ShouldBe([seed.Device]);
    }

    private async Task<PersistenceHarness> MigratedAsync(DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        return harness;
    }
}
