using System.Net;
using Broker.Core.Audit;
using Broker.Persistence;
using Broker.Server.Api.Desktops;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using static Broker.Server.Tests.Portal.PortalPages;

namespace Broker.Server.Tests.Desktops;

/// <summary>
/// <c>GET /api/v1/admin/desktops/{id}/snapshots</c>, <c>POST …/restore</c> and Admin → Desktops →
/// Snapshots against a stand-in host agent on loopback that checks the broker's grant.
/// </summary>
public sealed class DesktopSnapshotEndpointTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Snapshots_AreTheHostsList_AskedWithAGrantForTheDesktop_AndAdminOnly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await using var host = await StandInSnapshotHost.StartForAsync(world, desktop.Id, cancellationToken);

        using var response = await world.Admin.GetAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/snapshots", UriKind.Relative), cancellationToken);
        using var alice = await world.Alice.GetAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/snapshots", UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(cancellationToken));
        var snapshots = await ApiWorld.ReadAsync<List<DesktopSnapshotResponse>>(response, cancellationToken);
        snapshots.Select(snapshot => snapshot.LayerId).ShouldBe([host.First, host.Second]);
        snapshots[0].ParentLayerId.ShouldBeNull();
        snapshots[1].ParentLayerId.ShouldBe(host.First);
        snapshots[0].SealedAt.ShouldBe(StandInSnapshotHost.FirstSealedAt);
        snapshots[0].SizeBytes.ShouldBe(5L << 20);
        snapshots.Select(snapshot => snapshot.IsTopParent).ShouldBe([false, true]);
        host.Asked.ShouldHaveSingleItem().ShouldBe(desktop.Id.ToString());
        alice.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Restore_ToAListedSnapshot_RollsBackAndIsAudited_AnUnlistedOneIs404_AndAgainWhileRollingBackIs409()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await using var host = await StandInSnapshotHost.StartForAsync(world, desktop.Id, cancellationToken);
        var provisioning = await ProblemAsync(world, desktop.Id, new { snapshot = host.First }, HttpStatusCode.Conflict, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);

        var unlisted = await ProblemAsync(world, desktop.Id, new { snapshot = Guid.NewGuid() }, HttpStatusCode.NotFound, cancellationToken);
        await ProblemAsync(world, desktop.Id, new { }, HttpStatusCode.BadRequest, cancellationToken);
        await ProblemAsync(world, Guid.NewGuid(), new { snapshot = host.First }, HttpStatusCode.NotFound, cancellationToken);
        using var restored = await RestoreAsync(world, desktop.Id, new { snapshot = host.First }, cancellationToken);
        var again = await ProblemAsync(world, desktop.Id, new { snapshot = host.Second }, HttpStatusCode.Conflict, cancellationToken);

        restored.StatusCode.ShouldBe(HttpStatusCode.OK, await restored.Content.ReadAsStringAsync(cancellationToken));
        var rollingBack = await ApiWorld.ReadAsync<DesktopResponse>(restored, cancellationToken);
        rollingBack.State.ShouldBe(Core.Desktops.DesktopState.RollingBack);
        provisioning.Extensions["reason"]!.ToString().ShouldBe("IllegalTransition");
        again.Extensions["reason"]!.ToString().ShouldBe("IllegalTransition");
        unlisted.Detail.ShouldNotBeNull().ShouldContain("lists no snapshot");
        var audit = await AuditOfAsync(world, desktop.Id, cancellationToken);
        audit.Where(entry => entry.Action == "desktop.RollbackRequested").Select(entry => entry.Succeeded).Order().ShouldBe([false, false, false, true]);
        audit.ShouldContain(entry => entry.Succeeded && entry.Detail.Contains("RollingBack", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snapshots_AndRestore_OfAnOfflineHost_Are503_WithoutChangingTheDesktop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        await using var host = await StandInSnapshotHost.StartForAsync(world, desktop.Id, cancellationToken);
        await StandInSnapshotHost.SetOfflineAsync(world, desktop.Id, cancellationToken);
        var before = await world.FingerprintAsync(cancellationToken);

        using var list = await world.Admin.GetAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/snapshots", UriKind.Relative), cancellationToken);
        var restore = await ProblemAsync(world, desktop.Id, new { snapshot = host.First }, HttpStatusCode.ServiceUnavailable, cancellationToken);

        list.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        restore.Detail.ShouldNotBeNull().ShouldContain("is offline");
        host.Asked.ShouldBeEmpty();
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(before);
    }

    [Fact]
    public async Task SnapshotsPage_ListsTheHostsSnapshots_AndRestoresOnlyWhenConfirmed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        await using var host = await StandInSnapshotHost.StartForAsync(world, desktop.Id, cancellationToken);
        var path = $"/Admin/Desktops/Snapshots/{desktop.Id}";

        var page = await GetAsync(world.Admin, path, cancellationToken);
        var desktops = await GetAsync(world.Admin, "/Admin/Desktops", cancellationToken);
        var row = page.QuerySelector($"#snapshots tr[data-layer='{host.First}']")!;
        var action = row.QuerySelector("form")!.GetAttribute("action")!;
        var fields = row.QuerySelectorAll("form input[type=hidden]")
            .Where(input => input.GetAttribute("name") is "layer" or "epoch")
            .Select(input => Field(input.GetAttribute("name")!, input.GetAttribute("value")!))
            .ToList();
        var unconfirmed = await PostAndFollowAsync(world.Admin, path, action, fields, cancellationToken);
        var confirmed = await PostAndFollowAsync(world.Admin, path, action, [.. fields, Field("confirm", "true")], cancellationToken);
        using var unknown = await world.Admin.GetAsync(new Uri($"/Admin/Desktops/Snapshots/{Guid.NewGuid()}", UriKind.Relative), cancellationToken);

        row.TextContent.ShouldContain("2026-11-25 08:00:00Z");
        row.TextContent.ShouldContain("5,242,880 bytes");
        page.QuerySelector($"#snapshots tr[data-layer='{host.Second}']")!.TextContent.ShouldContain("current");
        desktops.QuerySelector($"a[href='{path}']").ShouldNotBeNull();
        Notice(unconfirmed)!.ShouldContain("tick the box");
        Notice(confirmed)!.ShouldBe($"Restore to {host.First}: done.");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static Task<HttpResponseMessage> RestoreAsync(ApiWorld world, Guid desktop, object body, CancellationToken cancellationToken) =>
        world.Admin.PostAsync(new Uri($"/api/v1/admin/desktops/{desktop}/restore", UriKind.Relative), ApiWorld.JsonBody(body), cancellationToken);

    private static async Task<ProblemDetails> ProblemAsync(ApiWorld world, Guid desktop, object body, HttpStatusCode status, CancellationToken cancellationToken)
    {
        using var response = await RestoreAsync(world, desktop, body, cancellationToken);
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync(cancellationToken));
        return await ApiWorld.ReadAsync<ProblemDetails>(response, cancellationToken);
    }

    private static async Task<IReadOnlyList<AuditEvent>> AuditOfAsync(ApiWorld world, Guid desktop, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Target: $"desktop:{desktop}"), cancellationToken);
    }
}
