using System.Net;
using System.Text.Json;
using Broker.Persistence;
using Broker.Server.Api.Audit;
using Broker.Server.Api.Hosts;
using Broker.Server.Api.Pools;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

/// <summary>Admin REST endpoints beyond pools and desktops: host drain, the audit log, a pool's snapshot schedule.</summary>
public sealed class AdminEndpointTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Drain_WithAStaleVersion_IsAConflict_WithoutOne_DrainsAndIsAudited()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var host = (await HostsAsync(world, cancellationToken)).Single();

        using var drained = await PostAsync(world, $"/api/v1/admin/hosts/{host.Id}/drain?version={host.Version}", cancellationToken);
        drained.StatusCode.ShouldBe(HttpStatusCode.OK);
        var afterDrain = await ApiWorld.ReadAsync<HostResponse>(drained, cancellationToken);
        afterDrain.Draining.ShouldBeTrue();
        afterDrain.Version.ShouldNotBe(host.Version);

        using var stale = await PostAsync(world, $"/api/v1/admin/hosts/{host.Id}/undrain?version={host.Version}", cancellationToken);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await HostsAsync(world, cancellationToken)).Single().Draining.ShouldBeTrue();

        using var undrained = await PostAsync(world, $"/api/v1/admin/hosts/{host.Id}/undrain", cancellationToken);
        undrained.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await HostsAsync(world, cancellationToken)).Single().Draining.ShouldBeFalse();

        var family = await AuditAsync(world, "?action=host.", cancellationToken);
        family.Select(entry => entry.Action).ShouldBe(["host.undrained", "host.drained"]);
        family.ShouldAllBe(entry => entry.Target == $"host:{host.Id}");
        (await AuditAsync(world, "?action=host.drained", cancellationToken)).Select(entry => entry.Action).ShouldBe(["host.drained"]);
        (await AuditAsync(world, "?action=host.&take=1&skip=1", cancellationToken)).Select(entry => entry.Action).ShouldBe(["host.drained"]);
        (await AuditAsync(world, "?action=host", cancellationToken)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("?take=0", "take")]
    [InlineData("?take=1001", "take")]
    [InlineData("?skip=-1", "skip")]
    [InlineData("?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    public async Task Audit_WithABadFilter_IsAValidationProblemNamingTheField(string query, string field)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);

        using var response = await world.Admin.GetAsync(new Uri("/api/v1/admin/audit" + query, UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        problem.RootElement.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Pool_SnapshotInterval_RoundTripsThroughTheApi_AndEditsKeepIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var path = $"/api/v1/admin/pools/{world.Pool.Id}";
        var pool = await ApiWorld.ReadAsync<PoolResponse>(await world.Admin.GetAsync(new Uri(path, UriKind.Relative), cancellationToken), cancellationToken);
        pool.Offline.SnapshotIntervalMinutes.ShouldBe(60, "the design's default: hourly");

        using var edited = await world.Admin.PutAsync(
            new Uri(path, UriKind.Relative),
            ApiWorld.JsonBody(new { name = pool.Name, kind = pool.Kind, imageId = pool.ImageId, desiredSize = pool.DesiredSize, offline = pool.Offline with { SnapshotIntervalMinutes = 30 }, version = pool.Version }),
            cancellationToken);

        edited.StatusCode.ShouldBe(HttpStatusCode.OK);
        var read = await ApiWorld.ReadAsync<PoolResponse>(await world.Admin.GetAsync(new Uri(path, UriKind.Relative), cancellationToken), cancellationToken);
        read.Offline.ShouldBe(pool.Offline with { SnapshotIntervalMinutes = 30 });
    }

    private static async Task<List<HostResponse>> HostsAsync(ApiWorld world, CancellationToken cancellationToken) =>
        await ApiWorld.ReadAsync<List<HostResponse>>(await world.Admin.GetAsync(new Uri("/api/v1/admin/hosts", UriKind.Relative), cancellationToken), cancellationToken);

    private static async Task<List<AuditEntryResponse>> AuditAsync(ApiWorld world, string query, CancellationToken cancellationToken) =>
        await ApiWorld.ReadAsync<List<AuditEntryResponse>>(await world.Admin.GetAsync(new Uri("/api/v1/admin/audit" + query, UriKind.Relative), cancellationToken), cancellationToken);

    private static Task<HttpResponseMessage> PostAsync(ApiWorld world, string path, CancellationToken cancellationToken) =>
        world.Admin.PostAsync(new Uri(path, UriKind.Relative), null, cancellationToken);
}
