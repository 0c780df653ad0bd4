using System.Net;
using System.Net.Http.Json;
using Broker.Contracts;
using Broker.Persistence;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

public sealed class ServerSmokeTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Health_OnAFreshServer_IsHealthy()
    {
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, TestContext.Current.CancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Fact]
    public async Task Version_ReportsTheContractCapability()
    {
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, TestContext.Current.CancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient();

        var version = await client.GetFromJsonAsync<VersionBody>(new Uri("/api/v1/version", UriKind.Relative), TestContext.Current.CancellationToken);

        version.ShouldNotBeNull();
        version.Product.ShouldBe("broker-server");
        version.CapabilityVersion.ShouldBe(ContractVersion.Capability);
    }

    private sealed record VersionBody(string Product, string Version, int CapabilityVersion);
}
