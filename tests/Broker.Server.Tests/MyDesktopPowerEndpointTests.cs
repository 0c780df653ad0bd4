using System.Net;
using Broker.Core.Desktops;
using Broker.Persistence;
using Broker.Server.Api.Desktops;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

/// <summary><c>POST /api/v1/me/desktops/{id}/start|stop</c>: the user powers their own desktop on the server.</summary>
public sealed class MyDesktopPowerEndpointTests(PostgresCluster cluster)
{
    [Fact]
    public async Task StartAndStop_OnTheUsersAvailableDesktop_AreAcceptedAndAudited()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        var before = await world.FingerprintAsync(cancellationToken);

        using var start = await world.Alice.PostAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}/start", UriKind.Relative), null, cancellationToken);
        using var stop = await world.Alice.PostAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}/stop", UriKind.Relative), null, cancellationToken);

        start.StatusCode.ShouldBe(HttpStatusCode.OK);
        stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiWorld.ReadAsync<DesktopResponse>(stop, cancellationToken)).State.ShouldBe(DesktopState.Available);
        (await world.FingerprintAsync(cancellationToken)).ShouldNotBe(before, "each action saved the desktop and an audit entry");
    }

    [Fact]
    public async Task Start_OfAnotherUsersDesktop_IsNotFound_AndOfACheckedOutOne_IsAConflict()
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

        using var bobs = await world.Bob.PostAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}/start", UriKind.Relative), null, cancellationToken);
        using var locked = await world.Alice.PostAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}/start", UriKind.Relative), null, cancellationToken);

        bobs.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        locked.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }
}
