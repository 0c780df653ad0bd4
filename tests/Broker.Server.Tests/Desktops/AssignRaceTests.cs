using Broker.Core.Desktops;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Broker.Persistence;
using Broker.Server.Desktops;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Desktops;

/// <summary>Many users asking a dedicated pool for a desktop at the same moment.</summary>
public sealed class AssignRaceTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Assign_AsManyConcurrentUsersAsDesktops_EveryUserGetsTheirOwnDesktop(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(provider, cluster, cancellationToken);
        var pool = new PoolId(world.Pool.Id);
        UserIdentity[] users = [.. Enumerable.Range(1, 3).Select(number => new UserIdentity(new UserId($"racer-{number}"), new HashSet<GroupId> { new("racers") }))];
        await EntitleAsync(world, pool, Principal.ForGroup(new GroupId("racers")), cancellationToken);

        var results = await Task.WhenAll(users.Select(user => AssignAsync(world, user, pool, cancellationToken)));

        results.ShouldAllBe(result => result.Outcome == DesktopActionOutcome.Done);
        results.Select(result => result.Desktop!.Id).Distinct().Count().ShouldBe(users.Length);
        var stored = await ListPoolAsync(world, pool, cancellationToken);
        stored.Select(desktop => desktop.Assignee).ShouldBe(users.Select(user => (UserId?)user.Id), ignoreOrder: true);
    }

    [Fact]
    public async Task Assign_OneUserAskingTwiceAtOnce_GetsOneDesktop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var pool = new PoolId(world.Pool.Id);
        var user = new UserIdentity(new UserId("racer"), new HashSet<GroupId>());
        await EntitleAsync(world, pool, Principal.ForUser(user.Id), cancellationToken);

        var results = await Task.WhenAll(AssignAsync(world, user, pool, cancellationToken), AssignAsync(world, user, pool, cancellationToken));

        results.ShouldAllBe(result => result.Outcome == DesktopActionOutcome.Done);
        results[0].Desktop!.Id.ShouldBe(results[1].Desktop!.Id);
        (await ListPoolAsync(world, pool, cancellationToken)).Count(desktop => desktop.Assignee == user.Id).ShouldBe(1);
    }

    private static async Task EntitleAsync(ApiWorld world, PoolId pool, Principal principal, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IEntitlementStore>().AddAsync(new Entitlement(pool, principal), cancellationToken)).Outcome.ShouldBe(Core.WriteOutcome.Saved);
    }

    private static async Task<DesktopActionResult> AssignAsync(ApiWorld world, UserIdentity user, PoolId pool, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var scope = world.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DesktopActions>().AssignAsync(user, pool, cancellationToken);
    }

    private static async Task<IReadOnlyList<Desktop>> ListPoolAsync(ApiWorld world, PoolId pool, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IDesktopStore>().ListByPoolAsync(pool, cancellationToken);
    }
}
