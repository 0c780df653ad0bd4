using System.Net;
using Broker.Core.Desktops;
using Broker.Persistence;
using Broker.Server.Api.Desktops;
using Broker.Server.Api.Me;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

public sealed class ApiFlowTests(PostgresCluster cluster)
{
    [Fact]
    public async Task CheckOut_AfterAdminSetUpAndEntitlement_PutsTheUsersDesktopInCheckOutRequested()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        world.Pool.Unplaced.ShouldBe(0);
        await world.CompleteProvisioningAsync(cancellationToken);

        var pools = await ApiWorld.ReadAsync<List<MyPoolResponse>>(
            await world.Alice.GetAsync(new Uri("/api/v1/me/pools", UriKind.Relative), cancellationToken), cancellationToken);
        pools.Select(pool => pool.Id).ShouldBe([world.Pool.Id]);
        var assigned = await world.AliceDesktopAsync(cancellationToken);
        var mine = await ApiWorld.ReadAsync<List<DesktopResponse>>(
            await world.Alice.GetAsync(new Uri("/api/v1/me/desktops", UriKind.Relative), cancellationToken), cancellationToken);
        mine.Select(desktop => desktop.Id).ShouldBe([assigned.Id]);
        mine[0].State.ShouldBe(DesktopState.Available);

        using var response = await world.Alice.PostAsync(
            new Uri($"/api/v1/me/desktops/{assigned.Id}/check-out", UriKind.Relative),
            ApiWorld.JsonBody(new { deviceId = world.AliceDevice.Value }),
            cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checkedOut = await ApiWorld.ReadAsync<DesktopResponse>(response, cancellationToken);
        checkedOut.State.ShouldBe(DesktopState.CheckOutRequested);
        checkedOut.Epoch.ShouldBe(Epoch.Initial.Value);
        checkedOut.DeviceId.ShouldBe(world.AliceDevice.Value);
        checkedOut.Version.ShouldBe(assigned.Version + 1);
        var stored = await ApiWorld.ReadAsync<DesktopResponse>(
            await world.Admin.GetAsync(new Uri($"/api/v1/admin/desktops/{assigned.Id}", UriKind.Relative), cancellationToken), cancellationToken);
        stored.ShouldBe(checkedOut);
    }

    [Fact]
    public async Task CancelAndCheckIn_OnTheUsersDesktop_FollowTheStateMachine()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        using var checkOut = await world.Alice.PostAsync(
            new Uri($"/api/v1/me/desktops/{desktop.Id}/check-out", UriKind.Relative),
            ApiWorld.JsonBody(new { deviceId = world.AliceDevice.Value }),
            cancellationToken);
        checkOut.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var checkIn = await world.Alice.PostAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}/check-in", UriKind.Relative), null, cancellationToken);
        using var cancel = await world.Alice.PostAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}/cancel-check-out", UriKind.Relative), null, cancellationToken);

        checkIn.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await checkIn.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("\"reason\":\"IllegalTransition\"");
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiWorld.ReadAsync<DesktopResponse>(cancel, cancellationToken)).State.ShouldBe(DesktopState.Available);
    }

    [Fact]
    public async Task OpenApiDocument_IsServedAndDescribesTheCheckOut()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);

        using var response = await world.Anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = await response.Content.ReadAsStringAsync(cancellationToken);
        document.ShouldContain("/api/v1/me/desktops/{id}/check-out");
        document.ShouldContain("/api/v1/admin/pools");
    }
}
