using System.Net;
using Broker.Persistence;
using Broker.Server.Api.Users;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

/// <summary><c>/api/v1/admin/users</c>: admins list accounts and create one with a role.</summary>
public sealed class UserEndpointTests(PostgresCluster cluster)
{
    private static readonly Uri Users = new("/api/v1/admin/users", UriKind.Relative);

    [Fact]
    public async Task Create_ByAnAdmin_MakesAnAccountInItsRoleThatCanLogIn()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);

        using var created = await world.Admin.PostAsync(Users, ApiWorld.JsonBody(new { userName = "carol", password = ApiWorld.Password, role = "User" }), cancellationToken);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var carol = await ApiWorld.ReadAsync<UserResponse>(created, cancellationToken);
        carol.UserName.ShouldBe("carol");
        carol.Roles.ShouldBe(["User"]);
        created.Headers.Location.ShouldBe(new Uri($"/api/v1/admin/users/{carol.Id}", UriKind.Relative));
        var listed = await ApiWorld.ReadAsync<List<UserResponse>>(await world.Admin.GetAsync(Users, cancellationToken), cancellationToken);
        listed.ShouldContain(user => user.Id == carol.Id && user.UserName == "carol" && user.Roles.Count == 1 && user.Roles[0] == "User");
        listed.ShouldContain(user => user.UserName == "admin" && user.Roles.Contains("Admin"));
        using var login = await ApiWorld.LoginAsync(world.Factory, "carol", ApiWorld.Password, cancellationToken);
    }

    [Fact]
    public async Task Create_WithATakenNameOrAWeakPassword_IsRefusedAndChangesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var before = await world.Admin.GetStringAsync(Users, cancellationToken);

        using var duplicate = await world.Admin.PostAsync(Users, ApiWorld.JsonBody(new { userName = "alice", password = ApiWorld.Password, role = "User" }), cancellationToken);
        using var weak = await world.Admin.PostAsync(Users, ApiWorld.JsonBody(new { userName = "dave", password = "short", role = "User" }), cancellationToken);
        using var noRole = await world.Admin.PostAsync(Users, ApiWorld.JsonBody(new { userName = "erin", password = ApiWorld.Password, role = "Root" }), cancellationToken);

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await duplicate.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("Duplicate");
        weak.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await weak.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("Password");
        noRole.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noRole.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("Role");
        (await world.Admin.GetStringAsync(Users, cancellationToken)).ShouldBe(before);
    }

    [Fact]
    public async Task UsersEndpoints_ForAUserWhoIsNoAdmin_AreForbidden()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);

        using var list = await world.Alice.GetAsync(Users, cancellationToken);
        using var create = await world.Alice.PostAsync(Users, ApiWorld.JsonBody(new { userName = "mallory", password = ApiWorld.Password, role = "Admin" }), cancellationToken);

        list.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        create.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
