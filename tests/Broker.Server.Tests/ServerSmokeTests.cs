using System.Net;
using System.Net.Http.Json;
using Broker.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Broker.Server.Tests;

public sealed class ServerSmokeTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;

    public ServerSmokeTests(WebApplicationFactory<Program> factory) => _factory = factory;

    [Fact]
    public async Task Health_OnAFreshServer_IsHealthy()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Fact]
    public async Task Version_ReportsTheContractCapability()
    {
        using var client = _factory.CreateClient();

        var version = await client.GetFromJsonAsync<VersionBody>(new Uri("/api/v1/version", UriKind.Relative), TestContext.Current.CancellationToken);

        version.ShouldNotBeNull();
        version.Product.ShouldBe("broker-server");
        version.CapabilityVersion.ShouldBe(ContractVersion.Capability);
    }

    private sealed record VersionBody(string Product, string Version, int CapabilityVersion);
}
