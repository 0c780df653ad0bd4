using System.Net;
using Broker.Core.Desktops;
using Broker.Persistence;
using Broker.Server.Api.Desktops;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

public sealed class ApiConcurrencyTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CheckOut_TwoConcurrentRequestsForOneDesktop_OneSucceedsAndOneIsAConflict(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(provider, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        using var second = await ApiWorld.LoginAsync(world.Factory, "alice", ApiWorld.Password, cancellationToken);

        var responses = await Task.WhenAll(
            CheckOutAsync(world.Alice, desktop, world, cancellationToken),
            CheckOutAsync(second, desktop, world, cancellationToken));

        await AssertOneWinnerAsync(responses, cancellationToken);
    }

    [Fact]
    public async Task CheckOut_FromTwoBrokerInstancesOnOnePostgres_OneSucceedsAndOneIsAConflict()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Postgres, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await using var otherInstance = new BrokerAppFactory(world.Site);
        using var viaOther = await ApiWorld.LoginAsync(otherInstance, "alice", ApiWorld.Password, cancellationToken);

        var responses = await Task.WhenAll(
            CheckOutAsync(world.Alice, desktop, world, cancellationToken),
            CheckOutAsync(viaOther, desktop, world, cancellationToken));

        await AssertOneWinnerAsync(responses, cancellationToken);
    }

    private static async Task<HttpResponseMessage> CheckOutAsync(HttpClient client, DesktopResponse desktop, ApiWorld world, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return await client.PostAsync(
            new Uri($"/api/v1/me/desktops/{desktop.Id}/check-out", UriKind.Relative),
            ApiWorld.JsonBody(new { deviceId = world.AliceDevice.Value }),
            cancellationToken);
    }

    private static async Task AssertOneWinnerAsync(HttpResponseMessage[] responses, CancellationToken cancellationToken)
    {
        try
        {
            responses.Select(response => response.StatusCode).Order().ShouldBe([HttpStatusCode.OK, HttpStatusCode.Conflict]);
            var loser = responses.Single(response => response.StatusCode == HttpStatusCode.Conflict);
            loser.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var body = await loser.Content.ReadAsStringAsync(cancellationToken);

            // Either the loser's write lost the race (ConcurrentUpdate) or it read the winner's state (IllegalTransition).
            body.ShouldMatch("\"reason\":\"(ConcurrentUpdate|IllegalTransition)\"");
            var winner = await ApiWorld.ReadAsync<DesktopResponse>(responses.Single(response => response.IsSuccessStatusCode), cancellationToken);
            winner.State.ShouldBe(DesktopState.CheckOutRequested);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
