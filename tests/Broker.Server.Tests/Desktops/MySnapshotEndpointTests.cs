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
/// A user restores their own desktop: <c>GET /api/v1/me/desktops/{id}/snapshots</c>, <c>POST …/restore</c>
/// and the portal's Snapshots page, against a stand-in host agent; another user's desktop is 404.
/// </summary>
public sealed class MySnapshotEndpointTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Owner_ListsAndRestores_WhereTheStateAllows_AndAnotherUserGets404()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await using var host = await StandInSnapshotHost.StartForAsync(world, desktop.Id, cancellationToken);
        var provisioning = await ProblemAsync(world.Alice, desktop.Id, new { snapshot = host.First }, HttpStatusCode.Conflict, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var before = await world.FingerprintAsync(cancellationToken);
        var asked = host.Asked.Count;

        using var bobList = await world.Bob.GetAsync(SnapshotsUri(desktop.Id), cancellationToken);
        var bobRestore = await ProblemAsync(world.Bob, desktop.Id, new { snapshot = host.First }, HttpStatusCode.NotFound, cancellationToken);
        host.Asked.Count.ShouldBe(asked); // another user's requests never reach the host
        await ProblemAsync(world.Alice, desktop.Id, new { }, HttpStatusCode.BadRequest, cancellationToken);
        await ProblemAsync(world.Alice, desktop.Id, new { snapshot = Guid.NewGuid() }, HttpStatusCode.NotFound, cancellationToken);
        bobList.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        bobRestore.Detail.ShouldBe("There is no such desktop, or it is not yours.");
        var audited = await world.FingerprintAsync(cancellationToken);
        audited.Replace(AuditPart(audited), string.Empty, StringComparison.Ordinal).ShouldBe(before.Replace(AuditPart(before), string.Empty, StringComparison.Ordinal));

        using var list = await world.Alice.GetAsync(SnapshotsUri(desktop.Id), cancellationToken);
        list.StatusCode.ShouldBe(HttpStatusCode.OK, await list.Content.ReadAsStringAsync(cancellationToken));
        (await ApiWorld.ReadAsync<List<DesktopSnapshotResponse>>(list, cancellationToken)).Select(snapshot => snapshot.LayerId).ShouldBe([host.First, host.Second]);
        using var restored = await world.Alice.PostAsync(RestoreUri(desktop.Id), ApiWorld.JsonBody(new { snapshot = host.First }), cancellationToken);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK, await restored.Content.ReadAsStringAsync(cancellationToken));
        (await ApiWorld.ReadAsync<DesktopResponse>(restored, cancellationToken)).State.ShouldBe(Core.Desktops.DesktopState.RollingBack);
        var again = await ProblemAsync(world.Alice, desktop.Id, new { snapshot = host.Second }, HttpStatusCode.Conflict, cancellationToken);

        provisioning.Extensions["reason"]!.ToString().ShouldBe("IllegalTransition");
        again.Extensions["reason"]!.ToString().ShouldBe("IllegalTransition");
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Target: $"desktop:{desktop.Id}", Action: "desktop.RollbackRequested"), cancellationToken);
        audit.ShouldContain(entry => entry.Succeeded && entry.Actor == world.AliceId);
    }

    [Fact]
    public async Task SnapshotsPage_OfTheOwner_RestoresWhenConfirmed_AndIs404ForAnotherUser()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        await using var host = await StandInSnapshotHost.StartForAsync(world, desktop.Id, cancellationToken);
        var path = $"/desktops/{desktop.Id}/snapshots";

        var detail = await GetAsync(world.Alice, $"/desktops/{desktop.Id}", cancellationToken);
        var page = await GetAsync(world.Alice, path, cancellationToken);
        var row = page.QuerySelector($"#snapshots tr[data-layer='{host.First}']")!;
        var action = row.QuerySelector("form")!.GetAttribute("action")!;
        var fields = row.QuerySelectorAll("form input[type=hidden]")
            .Where(input => input.GetAttribute("name") is "layer" or "epoch")
            .Select(input => Field(input.GetAttribute("name")!, input.GetAttribute("value")!))
            .ToList();
        var unconfirmed = await PostAndFollowAsync(world.Alice, path, action, fields, cancellationToken);
        var confirmed = await PostAndFollowAsync(world.Alice, path, action, [.. fields, Field("confirm", "true")], cancellationToken);
        using var bob = await world.Bob.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);

        detail.QuerySelector("#desktop-snapshots")!.GetAttribute("href").ShouldBe(path);
        Notice(unconfirmed)!.ShouldContain("tick the box");
        Notice(confirmed)!.ShouldBe("Restore: done.");
        bob.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static Uri SnapshotsUri(Guid desktop) => new($"/api/v1/me/desktops/{desktop}/snapshots", UriKind.Relative);

    private static Uri RestoreUri(Guid desktop) => new($"/api/v1/me/desktops/{desktop}/restore", UriKind.Relative);

    private static string AuditPart(string fingerprint) => fingerprint.Split(' ').Single(part => part.StartsWith("AuditEvents=", StringComparison.Ordinal));

    private static async Task<ProblemDetails> ProblemAsync(HttpClient client, Guid desktop, object body, HttpStatusCode status, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(RestoreUri(desktop), ApiWorld.JsonBody(body), cancellationToken);
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync(cancellationToken));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await ApiWorld.ReadAsync<ProblemDetails>(response, cancellationToken);
    }
}
