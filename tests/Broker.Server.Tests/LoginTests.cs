using System.Net;
using Broker.Persistence;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Broker.Server.Tests;

public sealed class LoginTests(PostgresCluster cluster)
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Login_WithThePrintedPassword_LandsOnTheHomePageShowingUserAndRole(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(provider, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient(NoRedirects);

        using var response = await PortalClient.LoginAsync(client, "admin", site.AdminPassword(), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), cancellationToken);
        home.ShouldContain("<strong id=\"user-name\">admin</strong>");
        home.ShouldContain("<strong id=\"user-roles\">Admin</strong>");
    }

    [Fact]
    public async Task Login_WithAWrongPassword_ShowsTheErrorAndStaysAnonymous()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient(NoRedirects);

        using var response = await PortalClient.LoginAsync(client, "admin", "not-the-password-1A!", cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("Invalid user name or password.");
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.AbsolutePath.ShouldBe(PortalClient.LoginPath);
    }

    [Fact]
    public async Task Login_AfterTooManyFailures_RefusesEvenTheRightPassword()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site, new Dictionary<string, string?> { ["Security:Login:MaxFailedAttempts"] = "3" });
        using var client = factory.CreateClient(NoRedirects);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var failed = await PortalClient.LoginAsync(client, "admin", "wrong-password-1A!", cancellationToken);
            failed.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var response = await PortalClient.LoginAsync(client, "admin", site.AdminPassword(), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("This account is locked");
    }

    [Fact]
    public async Task Login_MorePostsThanTheRateLimit_AreRejectedWith429()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site, new Dictionary<string, string?>
        {
            ["Security:Login:RateLimitPermits"] = "2",
            ["Security:Login:RateLimitWindow"] = "01:00:00",
        });
        using var client = factory.CreateClient(NoRedirects);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var allowed = await PortalClient.LoginAsync(client, "admin", "wrong-password-1A!", cancellationToken);
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var response = await PortalClient.LoginAsync(client, "admin", site.AdminPassword(), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Login_PostWithoutAntiforgeryToken_IsRejected()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient(NoRedirects);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = "admin",
            ["Input.Password"] = site.AdminPassword(),
        });

        using var response = await client.PostAsync(new Uri(PortalClient.LoginPath, UriKind.Relative), form, cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task LoginCookie_OverHttps_IsSecureHttpOnlyAndSameSite()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        using var response = await PortalClient.LoginAsync(client, "admin", site.AdminPassword(), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(header => header.StartsWith("broker.auth=", StringComparison.Ordinal));
        cookie.ShouldContain("secure", Case.Insensitive);
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=lax", Case.Insensitive);
    }

    [Fact]
    public async Task Logout_AfterLogin_EndsTheSession()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        using var client = factory.CreateClient(NoRedirects);
        using var login = await PortalClient.LoginAsync(client, "admin", site.AdminPassword(), cancellationToken);
        var token = await PortalClient.AntiforgeryTokenAsync(client, "/", cancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

        using var logout = await client.PostAsync(new Uri("/Account/Logout", UriKind.Relative), form, cancellationToken);

        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.AbsolutePath.ShouldBe(PortalClient.LoginPath);
    }
}
