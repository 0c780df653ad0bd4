using Broker.Persistence;
using Broker.Testing.Browser;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

/// <summary>The portal in a real browser against a real Kestrel on a loopback port.</summary>
public sealed class BrowserLoginTests(PostgresCluster cluster, ChromiumBrowser browser) : IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task LoginForm_AdminWithThePrintedPassword_LandsOnTheHomePage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        await using var context = await browser.NewContextAsync(client.BaseAddress!, cancellationToken);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        new Uri(page.Url).AbsolutePath.ShouldBe("/Account/Login");
        await page.FillAsync("#Input_UserName", "admin");
        await page.FillAsync("#Input_Password", site.AdminPassword());
        await ChromiumBrowser.SaveScreenshotAsync(page, "portal-login-form");
        await page.ClickAsync("button[type=submit]");
        await PortalLogin.WaitForHomePageAsync(page, "admin");

        (await page.TextContentAsync("#user-roles")).ShouldBe("Admin");
        var screenshot = await ChromiumBrowser.SaveScreenshotAsync(page, "portal-home-admin");
        new FileInfo(screenshot).Length.ShouldBeGreaterThan(0);
    }
}
