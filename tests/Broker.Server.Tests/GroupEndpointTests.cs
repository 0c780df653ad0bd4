using System.Net;
using System.Net.Http.Headers;
using Broker.Persistence;
using Broker.Server.Api.Audit;
using Broker.Server.Api.Desktops;
using Broker.Server.Api.Me;
using Broker.Server.Api.Tokens;
using Broker.Server.Api.Users;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

/// <summary>
/// <c>/api/v1/admin/groups</c> and <c>/api/v1/admin/users/{id}/groups/{group}</c>: admins manage
/// group membership; a user entitled only through a group gets the pool's desktops, from the next
/// request after the change (login cookie and access token alike).
/// </summary>
public sealed class GroupEndpointTests(PostgresCluster cluster)
{
    private static readonly Uri Groups = new("/api/v1/admin/groups", UriKind.Relative);

    private static readonly string[] ReadWrite = ["read", "write"];

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AMemberOfAnEntitledGroup_GetsThePoolsDesktop_UntilRemoved(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(provider, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        await EntitleGroupAsync(world, "eng", cancellationToken);
        var (carolId, carol) = await CreateUserAsync(world, "carol", cancellationToken);
        using var token = TokenClient(world, await CreateTokenAsync(carol, cancellationToken));

        (await PoolsAsync(carol, cancellationToken)).ShouldBeEmpty();
        (await PoolsAsync(token, cancellationToken)).ShouldBeEmpty();
        using (var refused = await carol.PostAsync(AssignUri(world), null, cancellationToken))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var added = await world.Admin.PutAsync(MembershipUri(carolId, "eng"), null, cancellationToken))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ApiWorld.ReadAsync<UserGroupsResponse>(added, cancellationToken)).Groups.ShouldBe(["eng"]);
        }

        // Same cookie, same token: no new login needed.
        (await PoolsAsync(carol, cancellationToken)).ShouldHaveSingleItem().Id.ShouldBe(world.Pool.Id);
        (await PoolsAsync(token, cancellationToken)).ShouldHaveSingleItem().Id.ShouldBe(world.Pool.Id);
        DesktopResponse desktop;
        using (var assigned = await carol.PostAsync(AssignUri(world), null, cancellationToken))
        {
            assigned.StatusCode.ShouldBe(HttpStatusCode.OK);
            desktop = await ApiWorld.ReadAsync<DesktopResponse>(assigned, cancellationToken);
        }

        using (var own = await token.GetAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}", UriKind.Relative), cancellationToken))
        {
            own.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var removed = await world.Admin.DeleteAsync(MembershipUri(carolId, "eng"), cancellationToken))
        {
            removed.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ApiWorld.ReadAsync<UserGroupsResponse>(removed, cancellationToken)).Groups.ShouldBeEmpty();
        }

        (await PoolsAsync(carol, cancellationToken)).ShouldBeEmpty();
        using (var gone = await token.GetAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}", UriKind.Relative), cancellationToken))
        {
            gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        var audit = await ApiWorld.ReadAsync<List<AuditEntryResponse>>(
            await world.Admin.GetAsync(new Uri("/api/v1/admin/audit?action=user.", UriKind.Relative), cancellationToken), cancellationToken);
        audit.Where(entry => entry.Action.StartsWith("user.group-", StringComparison.Ordinal)).Select(entry => (entry.Action, entry.Target)).ShouldBe([("user.group-removed", $"user:{carolId}"), ("user.group-added", $"user:{carolId}")]);
    }

    [Fact]
    public async Task Put_ForAMemberAlready_ChangesAndAuditsNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        (await world.Admin.PutAsync(MembershipUri(world.AliceId, "eng"), null, cancellationToken)).Dispose();
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var again = await world.Admin.PutAsync(MembershipUri(world.AliceId, "eng"), null, cancellationToken);

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiWorld.ReadAsync<UserGroupsResponse>(again, cancellationToken)).Groups.ShouldBe(["eng"]);
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task BadNamesUnknownUsersAndNonMembers_AreProblems_AndChangeNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        (await world.Admin.PutAsync(MembershipUri(world.AliceId, "eng"), null, cancellationToken)).Dispose();
        var fingerprint = await world.FingerprintAsync(cancellationToken);
        var groups = await world.Admin.GetStringAsync(Groups, cancellationToken);

        using var badName = await world.Admin.PutAsync(MembershipUri(world.AliceId, "two words"), null, cancellationToken);
        using var tooLong = await world.Admin.PutAsync(MembershipUri(world.AliceId, new string('g', 65)), null, cancellationToken);
        using var unknownUser = await world.Admin.PutAsync(MembershipUri(Guid.NewGuid().ToString(), "eng"), null, cancellationToken);
        using var nonMember = await world.Admin.DeleteAsync(MembershipUri(world.AliceId, "design"), cancellationToken);
        using var badTake = await world.Admin.GetAsync(new Uri("/api/v1/admin/groups?take=0&skip=-1", UriKind.Relative), cancellationToken);

        badName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badName.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("may contain only");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknownUser.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        nonMember.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await nonMember.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("no member of group 'design'");
        badTake.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await badTake.Content.ReadAsStringAsync(cancellationToken);
        problem.ShouldContain("take");
        problem.ShouldContain("skip");
        foreach (var response in new[] { badName, tooLong, unknownUser, nonMember, badTake })
        {
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
        (await world.Admin.GetStringAsync(Groups, cancellationToken)).ShouldBe(groups);
    }

    [Fact]
    public async Task List_PagesGroupsByName_WithTheirMembers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var users = await ApiWorld.ReadAsync<List<UserResponse>>(await world.Admin.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative), cancellationToken), cancellationToken);
        var bobId = users.Single(user => user.UserName == "bob").Id;
        foreach (var (user, group) in new[] { (world.AliceId, "eng"), (bobId, "eng"), (bobId, "design"), (world.AliceId, "sales") })
        {
            (await world.Admin.PutAsync(MembershipUri(user, group), null, cancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var first = await ApiWorld.ReadAsync<GroupListResponse>(await world.Admin.GetAsync(new Uri("/api/v1/admin/groups?take=2", UriKind.Relative), cancellationToken), cancellationToken);
        var second = await ApiWorld.ReadAsync<GroupListResponse>(await world.Admin.GetAsync(new Uri("/api/v1/admin/groups?skip=2&take=2", UriKind.Relative), cancellationToken), cancellationToken);

        first.Total.ShouldBe(3);
        first.Items.Select(group => group.Name).ShouldBe(["design", "eng"]);
        first.Items[1].Members.Select(member => member.UserName).ShouldBe(["alice", "bob"]);
        second.Items.ShouldHaveSingleItem().Name.ShouldBe("sales");
        second.Items[0].Members.ShouldHaveSingleItem().Id.ShouldBe(world.AliceId);
        var listed = await ApiWorld.ReadAsync<List<UserResponse>>(await world.Admin.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative), cancellationToken), cancellationToken);
        listed.Single(user => user.UserName == "bob").Groups.ShouldBe(["design", "eng"]);
    }

    private static Uri MembershipUri(string userId, string group) =>
        new($"/api/v1/admin/users/{Uri.EscapeDataString(userId)}/groups/{Uri.EscapeDataString(group)}", UriKind.Relative);

    private static Uri AssignUri(ApiWorld world) => new($"/api/v1/me/pools/{world.Pool.Id}/desktop", UriKind.Relative);

    private static async Task EntitleGroupAsync(ApiWorld world, string group, CancellationToken cancellationToken)
    {
        using var entitled = await world.Admin.PostAsync(
            new Uri($"/api/v1/admin/pools/{world.Pool.Id}/entitlements", UriKind.Relative), ApiWorld.JsonBody(new { kind = "Group", id = group }), cancellationToken);
        entitled.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private static async Task<(string Id, HttpClient Client)> CreateUserAsync(ApiWorld world, string name, CancellationToken cancellationToken)
    {
        using var created = await world.Admin.PostAsync(
            new Uri("/api/v1/admin/users", UriKind.Relative), ApiWorld.JsonBody(new { userName = name, password = ApiWorld.Password, role = "User" }), cancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ApiWorld.ReadAsync<UserResponse>(created, cancellationToken)).Id;
        return (id, await ApiWorld.LoginAsync(world.Factory, name, ApiWorld.Password, cancellationToken));
    }

    private static async Task<string> CreateTokenAsync(HttpClient user, CancellationToken cancellationToken)
    {
        using var created = await user.PostAsync(
            new Uri("/api/v1/me/tokens", UriKind.Relative), ApiWorld.JsonBody(new { name = "cli", scopes = ReadWrite, validDays = 1 }), cancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await ApiWorld.ReadAsync<AccessTokenResponse>(created, cancellationToken)).Token!;
    }

    private static HttpClient TokenClient(ApiWorld world, string token)
    {
        var client = world.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<List<MyPoolResponse>> PoolsAsync(HttpClient client, CancellationToken cancellationToken) =>
        await ApiWorld.ReadAsync<List<MyPoolResponse>>(await client.GetAsync(new Uri("/api/v1/me/pools", UriKind.Relative), cancellationToken), cancellationToken);
}
