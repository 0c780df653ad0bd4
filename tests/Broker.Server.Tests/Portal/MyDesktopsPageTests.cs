using System.Net;
using System.Text.Json;
using Broker.Core.Desktops;
using Broker.Testing.Databases;
using static Broker.Server.Tests.Portal.PortalPages;

namespace Broker.Server.Tests.Portal;

/// <summary>The user's pages: My desktops and a desktop's detail page, with every action going through the REST API's service.</summary>
public sealed class MyDesktopsPageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task MyDesktops_GetADesktop_ShowsItWithStatePoolAndHostInWords()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);

        var before = await GetAsync(world.Alice, "/", cancellationToken);
        before.GetElementById("no-desktops").ShouldNotBeNull();
        var page = await PostAndFollowAsync(world.Alice, "/", $"/?handler=Assign&pool={world.Pool.Id}", [], cancellationToken);

        Notice(page).ShouldBe("Get a desktop: done.");
        var row = page.QuerySelector("#my-desktops tbody tr").ShouldNotBeNull();
        row.QuerySelector(".state")!.TextContent.ShouldBe("Being prepared");
        row.TextContent.ShouldContain("Engineering");
        row.TextContent.ShouldContain("host-1");
        page.Body!.TextContent.ShouldNotContain("epoch", Case.Insensitive);
    }

    [Fact]
    public async Task Navigation_ForAUser_HasNoAdminLinks_ForAnAdmin_HasThem()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);

        var user = await GetAsync(world.Alice, "/", cancellationToken);
        var admin = await GetAsync(world.Admin, "/", cancellationToken);

        user.QuerySelectorAll("header nav a").Select(link => link.TextContent).ShouldBe(["My desktops"]);
        admin.QuerySelectorAll("header nav a").Select(link => link.TextContent).ShouldContain("Audit log");
    }

    [Fact]
    public async Task DetailPage_OfAnotherUsersDesktop_IsNotFound_AndItsActionsChangeNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var detail = await world.Bob.GetAsync(new Uri($"/desktops/{desktop.Id}", UriKind.Relative), cancellationToken);
        using var progress = await world.Bob.GetAsync(new Uri($"/desktops/{desktop.Id}?handler=Progress", UriKind.Relative), cancellationToken);
        var after = await PostAndFollowAsync(world.Bob, "/", $"/desktops/{desktop.Id}?handler=Start", [Field("epoch", desktop.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture))], cancellationToken);

        detail.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        progress.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Notice(after).ShouldBe("Start failed: there is no such desktop, or it is not yours.");
        after.QuerySelector("#my-desktops").ShouldBeNull();
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task DetailPage_ShowsFactsAndTheProgressEndpointAnswersInWords()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);

        var page = await GetAsync(world.Alice, $"/desktops/{desktop.Id}", cancellationToken);
        var json = await world.Alice.GetStringAsync(new Uri($"/desktops/{desktop.Id}?handler=Progress", UriKind.Relative), cancellationToken);

        page.GetElementById("desktop-state")!.TextContent.ShouldBe("Ready on the server");
        page.GetElementById("desktop-last-sync")!.TextContent.ShouldBe("never");
        page.GetElementById("desktop-lease")!.TextContent.ShouldBe("no lease");
        page.QuerySelector("script[src^='/js/desktop-progress.js']").ShouldNotBeNull();
        using var progress = JsonDocument.Parse(json);
        progress.RootElement.GetProperty("state").GetString().ShouldBe("Ready on the server");
        progress.RootElement.GetProperty("moving").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task CheckOut_ToOwnDevice_MovesTheDesktopAndIsAudited()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var detail = $"/desktops/{desktop.Id}";
        var form = await GetAsync(world.Alice, detail, cancellationToken);
        var epoch = form.QuerySelector("form[action*='handler=CheckOut'] input[name=epoch]")!.GetAttribute("value")!;
        var device = form.QuerySelector("form[action*='handler=CheckOut'] select[name=device] option")!.GetAttribute("value")!;

        var page = await PostAndFollowAsync(world.Alice, detail, $"{detail}?handler=CheckOut", [Field("epoch", epoch), Field("device", device)], cancellationToken);

        Notice(page).ShouldBe("Check out: done.");
        page.GetElementById("desktop-state")!.TextContent.ShouldBe("Waiting to be checked out");
        var stored = await world.DesktopAsync(desktop.Id, cancellationToken);
        stored.State.ShouldBe(DesktopState.CheckOutRequested);
        stored.Device.ShouldBe(world.AliceDevice);
    }

    [Fact]
    public async Task CheckOut_ToAnotherUsersDevice_IsRefusedWithAMessage_AndNothingChanges()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var detail = $"/desktops/{desktop.Id}";
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        var page = await PostAndFollowAsync(world.Alice, detail, $"{detail}?handler=CheckOut", [Field("device", world.BobDevice.Value.ToString())], cancellationToken);

        Notice(page).ShouldBe("Check out failed: choose one of your own devices.");
        page.GetElementById("desktop-state")!.TextContent.ShouldBe("Ready on the server");
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task SyncNow_OnADesktopOnTheServer_IsRefusedInPlainWords()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var versionBefore = (await world.DesktopAsync(desktop.Id, cancellationToken)).Version;

        var page = await PostAndFollowAsync(world.Alice, "/", $"/desktops/{desktop.Id}?handler=SyncNow&back=list", [], cancellationToken);

        Notice(page).ShouldBe("Sync now was refused: that is not possible in the desktop's current state.");
        page.QuerySelector("#my-desktops").ShouldNotBeNull();
        (await world.DesktopAsync(desktop.Id, cancellationToken)).Version.ShouldBe(versionBefore);
    }

    [Fact]
    public async Task Start_FromAPageLoadedBeforeAnEpochChange_AsksToReload()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var stale = (desktop.Epoch - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var page = await PostAndFollowAsync(world.Alice, "/", $"/desktops/{desktop.Id}?handler=Restart", [Field("epoch", stale)], cancellationToken);

        Notice(page).ShouldBe("Restart was refused: the desktop changed since this page was loaded. Reload it and try again.");
    }

    [Fact]
    public async Task Start_WithTheShownEpoch_IsDone()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var list = await GetAsync(world.Alice, "/", cancellationToken);
        var start = list.QuerySelector("form[action*='handler=Start']")!;

        var page = await PostAndFollowAsync(world.Alice, "/", start.GetAttribute("action")!, [Field("epoch", start.QuerySelector("input[name=epoch]")!.GetAttribute("value")!)], cancellationToken);

        Notice(page).ShouldBe("Start: done.");
        (await world.DesktopAsync(desktop.Id, cancellationToken)).Version.ShouldBeGreaterThan(desktop.Version);
    }

    [Fact]
    public async Task ActionPost_WithoutAntiforgeryToken_IsRejected_AndNothingChanges()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var form = new FormUrlEncodedContent([Field("epoch", "1")]);
        using var response = await world.Alice.PostAsync(new Uri($"/desktops/{desktop.Id}?handler=Start", UriKind.Relative), form, cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }
}
