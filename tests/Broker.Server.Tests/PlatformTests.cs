using System.Net;
using System.Net.Http.Json;
using Broker.Persistence;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Broker.Server.Tests;

public sealed class PlatformTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/api/v1/version")]
    [InlineData("/health/live")]
    public async Task Response_AnyPage_CarriesTheSecurityHeaders(string path)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("default-src 'self'");
        policy.ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HealthEndpoints_WithTheDatabaseUp_AreHealthy(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(provider, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/health/live", "/health/ready", "/healthz" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            (await response.Content.ReadAsStringAsync(cancellationToken)).ShouldBe("Healthy", path);
        }
    }

    [Fact]
    public async Task HealthReady_AfterTheDatabaseIsLost_IsUnhealthyWhileLiveStaysHealthy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Postgres, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient();
        using (var before = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await cluster.DropDatabaseAsync(site.Database!, cancellationToken);

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), cancellationToken);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/v1/no-such-thing")]
    [InlineData("/api/v2/version")]
    public async Task UnknownApiRoute_Anonymous_Is404ProblemDetails(string path)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
        problem!.Status.ShouldBe(404);
        problem.Detail!.ShouldContain(path);
    }

    [Fact]
    public async Task HomePage_Anonymous_RedirectsToTheLoginForm()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe(PortalClient.LoginPath);
    }

    [Fact]
    public async Task Start_PostgresWithoutAConnectionString_FailsNamingTheSetting()
    {
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, TestContext.Current.CancellationToken);
        await using var factory = new BrokerAppFactory(site, new Dictionary<string, string?> { ["Database:Provider"] = "Postgres" });

        var failure = Should.Throw<OptionsValidationException>(() => factory.Services);

        failure.Message.ShouldContain("ConnectionStrings:Broker");
    }
}
