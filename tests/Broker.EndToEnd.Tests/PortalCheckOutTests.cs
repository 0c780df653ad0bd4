using Broker.EndToEnd.Tests.Harness;
using Broker.Testing.Browser;

namespace Broker.EndToEnd.Tests;

/// <summary>
/// Issue 10, scenario 6: user <c>demo</c> in Chromium checks their desktop out to their one enrolled
/// device from the portal, watches the device's progress reach 100 % before the state says checked
/// out, checks it in from the portal and sees it back on the server. Each step's screenshot is
/// attached.
/// </summary>
[Collection(SharedDemo.Name)]
public sealed class PortalCheckOutTests(DemoFixture fixture, ChromiumBrowser browser) : IClassFixture<ChromiumBrowser>, IAsyncDisposable
{
    /// <summary>Preparing on the host, then the pull and the lease under TCG on a loaded machine.</summary>
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(3);

    private readonly DemoWorld _world = fixture.World;

    [Fact]
    public async Task Demo_user_checks_a_desktop_out_in_the_portal_sees_progress_reach_100_percent_and_checks_it_in()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var password = _world.Credential("demo-password");
        using var demo = await UserApi.SignInAsync(_world, "demo", password, fixture.File("portal-demo-user"), cancellationToken);
        var desktop = await demo.DesktopInPoolAsync("demo", cancellationToken);
        await using var portal = await PortalPage.LogInAsync(browser, _world, "demo", password, cancellationToken);
        var page = portal.Page;
        await portal.ScreenshotAsync("e2e-portal-1-my-desktops");

        await page.ClickAsync($"#my-desktops tr[data-desktop='{desktop}'] a");
        await portal.WaitForTextAsync("desktop-state", "Ready on the server", StepLimit);
        (await page.QuerySelectorAllAsync("form[action*='handler=CheckOut'] select[name=device] option")).Count.ShouldBe(1, "the demo user has one enrolled device: the demo's client agent");
        await portal.ScreenshotAsync("e2e-portal-2-desktop-on-server");

        await page.ClickAsync("form[action*='handler=CheckOut'] button[type=submit]");
        (await portal.TextAsync("#notice")).ShouldBe("Check out: done.");
        await portal.ScreenshotAsync("e2e-portal-3-check-out-requested");
        await portal.WaitUntilAsync(
            "the pull to the device to show 100 %",
            "document.getElementById('desktop-progress-percent').textContent.trim() === '100 %' && document.getElementById('desktop-progress-detail').textContent.startsWith('To your device: ')",
            StepLimit);
        (await page.IsVisibleAsync("#desktop-progress-bar")).ShouldBeTrue();
        (await page.EvalOnSelectorAsync<double>("#desktop-progress-bar", "bar => bar.value")).ShouldBe(100);
        await portal.ScreenshotAsync("e2e-portal-4-progress-100");
        await portal.WaitForTextAsync("desktop-state", "Checked out to a device", StepLimit);
        await portal.ScreenshotAsync("e2e-portal-5-checked-out");

        await page.ReloadAsync();
        await page.ClickAsync("form[action*='handler=CheckIn'] button[type=submit]");
        (await portal.TextAsync("#notice")).ShouldBe("Check in: done.");
        await portal.ScreenshotAsync("e2e-portal-6-check-in-requested");
        await portal.WaitForTextAsync("desktop-state", "Ready on the server", StepLimit);
        await portal.ScreenshotAsync("e2e-portal-7-back-on-the-server");

        var stored = await demo.DesktopAsync(desktop, cancellationToken);
        stored.GetProperty("state").GetString().ShouldBe("Available");
        stored.GetProperty("deviceId").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    public ValueTask DisposeAsync()
    {
        TestContext.Current.AddAttachment("demo logs", _world.Logs());
        return ValueTask.CompletedTask;
    }
}
