using Broker.Persistence;
using Broker.Testing.Browser;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Broker.Server.Tests.Portal;

/// <summary>
/// The portal in Debian's chromium against a real Kestrel on loopback: an admin sets up a user, an
/// image and a pool with an entitlement; the user logs in and gets a desktop. Screenshots of each
/// step are saved as test artefacts.
/// </summary>
public sealed class PortalBrowserTests(PostgresCluster cluster, ChromiumBrowser browser) : IClassFixture<ChromiumBrowser>
{
    private const string AlicePassword = "Correct-horse-battery-9";

    [Fact]
    public async Task AdminCreatesPoolAndEntitlesUser_UserLogsInAndGetsTheDesktop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site);
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();

        await using (var adminContext = await browser.NewContextAsync(client.BaseAddress!, cancellationToken))
        {
            var admin = await adminContext.NewPageAsync();
            await PortalLogin.LogInAsync(admin, "admin", site.AdminPassword());

            await admin.GotoAsync("/Admin/Users");
            await admin.FillAsync("#Input_UserName", "alice");
            await admin.FillAsync("#Input_Password", AlicePassword);
            await admin.SelectOptionAsync("#Input_Role", "User");
            await admin.ClickAsync("#create-user button[type=submit]");
            (await admin.TextContentAsync("#notice"))!.Trim().ShouldBe("User 'alice' created.");

            await admin.GotoAsync("/Admin/Images");
            await admin.FillAsync("#Input_Name", "Windows 11");
            await admin.FillAsync("#Input_Version", "2025.06");
            await admin.FillAsync("#Input_BaseContentAddress", "sha256:" + new string('a', 64));
            await admin.FillAsync("#Input_SizeBytes", "1073741824");
            await admin.ClickAsync("#register-image button[type=submit]");
            (await admin.TextContentAsync("#notice"))!.Trim().ShouldBe("Image 'Windows 11 2025.06' registered.");

            // An enrolled host that just reported in (so the reconcile loop keeps it healthy): new desktops have somewhere to go.
            _ = await TestHosts.AddHealthyAsync(factory.Services, "host-1", 10, factory.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            await admin.GotoAsync("/Admin/Pools");
            await admin.FillAsync("#Input_Name", "Engineering");
            await admin.SelectOptionAsync("#Input_Image", new SelectOptionValue { Label = "Windows 11 2025.06" });
            await admin.FillAsync("#Input_DesiredSize", "2");
            await admin.CheckAsync("#Input_Offline_Allowed");
            await ChromiumBrowser.SaveScreenshotAsync(admin, "portal-admin-create-pool");
            await admin.ClickAsync("#create-pool button[type=submit]");
            (await admin.TextContentAsync("#notice"))!.Trim().ShouldBe("Pool 'Engineering' created.");

            await admin.FillAsync("#Entitle_Id", "alice");
            await admin.ClickAsync("#entitle button[type=submit]");
            (await admin.TextContentAsync("#entitlements tbody"))!.ShouldContain("alice");
            await ChromiumBrowser.SaveScreenshotAsync(admin, "portal-admin-pool-entitled");

            await admin.GotoAsync("/Admin");
            (await admin.TextContentAsync("#dashboard-states"))!.ShouldContain("Provisioning");
            await ChromiumBrowser.SaveScreenshotAsync(admin, "portal-admin-dashboard");
        }

        await using var userContext = await browser.NewContextAsync(client.BaseAddress!, cancellationToken);
        var user = await userContext.NewPageAsync();
        await PortalLogin.LogInAsync(user, "alice", AlicePassword);
        (await user.TextContentAsync("#entitled-pools"))!.ShouldContain("Engineering");
        (await user.QuerySelectorAsync("a[href='/Admin']")).ShouldBeNull();
        await user.ClickAsync("#entitled-pools button[type=submit]");

        (await user.TextContentAsync("#my-desktops tbody .state"))!.ShouldBe("Being prepared");
        (await user.TextContentAsync("#my-desktops tbody"))!.ShouldContain("Engineering-00");
        await ChromiumBrowser.SaveScreenshotAsync(user, "portal-user-my-desktops");
        await user.ClickAsync("#my-desktops tbody a");
        (await user.TextContentAsync("#desktop-state"))!.ShouldBe("Being prepared");
        var screenshot = await ChromiumBrowser.SaveScreenshotAsync(user, "portal-user-desktop-detail");
        new FileInfo(screenshot).Length.ShouldBeGreaterThan(0);

        var forbidden = await user.GotoAsync("/Admin/Pools");
        forbidden!.Status.ShouldBe(403);
    }
}
