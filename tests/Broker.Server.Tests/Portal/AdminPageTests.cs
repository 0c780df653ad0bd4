using System.Net;
using AngleSharp.Dom;
using Broker.Core.Audit;
using Broker.Server.Portal.Admin;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using static Broker.Server.Tests.Portal.PortalPages;

namespace Broker.Server.Tests.Portal;

/// <summary>Admin pages through WebApplicationFactory on real SQLite: access, forms, validation next to fields, nothing half-saved.</summary>
public sealed class AdminPageTests(PostgresCluster cluster)
{
    public static TheoryData<string> AdminPages { get; } =
        ["/Admin", "/Admin/Images", "/Admin/Pools", "/Admin/Hosts", "/Admin/Desktops", "/Admin/Users", "/Admin/Audit"];

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_ForAUser_IsForbidden_ForAnAdmin_Renders(string path)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);

        using var denied = await world.Alice.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        new Uri(new Uri("http://localhost"), denied.Headers.Location!).AbsolutePath.ShouldBe("/Account/AccessDenied");
        using var deniedPage = await world.Alice.GetAsync(denied.Headers.Location, cancellationToken);
        deniedPage.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var page = await GetAsync(world.Admin, path, cancellationToken);
        page.QuerySelector("h1").ShouldNotBeNull();
    }

    [Fact]
    public async Task CreatePool_WithBadInput_ShowsEachMessageBesideItsField_AndSavesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var response = await PostAsync(world.Admin, "/Admin/Pools", "/Admin/Pools",
            [Field("Input.Name", " "), Field("Input.Kind", "Floating"), Field("Input.Image", Guid.NewGuid().ToString()), Field("Input.DesiredSize", "-1"),
             Field("Input.Offline.Allowed", "true"), Field("Input.Offline.LeaseDays", "0"), Field("Input.Offline.Heartbeat", "300"),
             Field("Input.Offline.SyncInterval", "60"), Field("Input.Offline.Retention.Hourly", "24"), Field("Input.Offline.Retention.Daily", "7"),
             Field("Input.Offline.Retention.Weekly", "4")],
            cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await ParseAsync(response, cancellationToken);
        FieldError(page, "Input.Name").ShouldStartWith("Name ");
        FieldError(page, "Input.Image").ShouldContain("names no image");
        FieldError(page, "Input.DesiredSize").ShouldStartWith("Desired size ");
        FieldError(page, "Input.Offline.LeaseDays").ShouldStartWith("Lease days ");
        FieldError(page, "Input.Offline.Allowed").ShouldContain("floating pools cannot allow offline use");
        FieldError(page, "Input.Offline.Heartbeat").ShouldBeEmpty();
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task CreatePool_WithANonNumberSize_ShowsTheBindingMessage_AndSavesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var response = await PostAsync(world.Admin, "/Admin/Pools", "/Admin/Pools",
            [Field("Input.Name", "Sales"), Field("Input.Kind", "Dedicated"), Field("Input.Image", world.Pool.ImageId.ToString()), Field("Input.DesiredSize", "lots")],
            cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        FieldError(await ParseAsync(response, cancellationToken), "Input.DesiredSize").ShouldContain("lots");
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task CreatePool_Valid_ProvisionsDesktops_ThenEntitleAndRemoveAUser()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);

        var edit = await PostAndFollowAsync(world.Admin, "/Admin/Pools", "/Admin/Pools",
            [Field("Input.Name", "Sales"), Field("Input.Kind", "Dedicated"), Field("Input.Image", world.Pool.ImageId.ToString()), Field("Input.DesiredSize", "2")],
            cancellationToken);
        Notice(edit).ShouldBe("Pool 'Sales' created.");
        var editPath = edit.GetElementById("entitle")!.GetAttribute("action")!.Split('?')[0];
        edit.GetElementById("no-entitlements").ShouldNotBeNull();

        var entitled = await PostAndFollowAsync(world.Admin, editPath, $"{editPath}?handler=Entitle", [Field("Entitle.Kind", "User"), Field("Entitle.Id", "alice")], cancellationToken);
        Notice(entitled).ShouldBe("Entitled user 'alice'.");
        entitled.QuerySelector("#entitlements tbody")!.TextContent.ShouldContain("alice");
        var pools = await GetAsync(world.Admin, "/Admin/Pools", cancellationToken);
        pools.QuerySelectorAll("#pools tbody tr").Single(row => row.TextContent.Contains("Sales", StringComparison.Ordinal)).Children[2].TextContent.ShouldBe("2");

        var aliceHome = await GetAsync(world.Alice, "/", cancellationToken);
        aliceHome.GetElementById("entitled-pools")!.TextContent.ShouldContain("Sales");

        var remove = entitled.QuerySelector("#entitlements form")!.GetAttribute("action")!;
        var removed = await PostAndFollowAsync(world.Admin, editPath, remove, [], cancellationToken);
        Notice(removed).ShouldBe("Entitlement removed.");
        removed.GetElementById("no-entitlements").ShouldNotBeNull();
    }

    [Fact]
    public async Task Entitle_AnUnknownUser_ShowsTheMessageBesideTheField_AndSavesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var editPath = $"/Admin/Pools/Edit/{world.Pool.Id}";
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var response = await PostAsync(world.Admin, editPath, $"{editPath}?handler=Entitle", [Field("Entitle.Kind", "User"), Field("Entitle.Id", "mallory")], cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        FieldError(await ParseAsync(response, cancellationToken), "Entitle.Id").ShouldBe("Id names no user.");
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task EditPool_FromAStaleForm_IsAConflictMessage_AndSavesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var editPath = $"/Admin/Pools/Edit/{world.Pool.Id}";
        var form = await GetAsync(world.Admin, editPath, cancellationToken);
        var fields = form.QuerySelectorAll("#edit-pool input[name], #edit-pool select[name]")
            .Where(input => input.GetAttribute("type") != "checkbox" || input.HasAttribute("checked"))
            .Select(input => Field(input.GetAttribute("name")!, input.TagName == "SELECT"
                ? input.QuerySelector("option[selected]")?.GetAttribute("value") ?? string.Empty
                : input.GetAttribute("value") ?? string.Empty))
            .Where(field => field.Key != "__RequestVerificationToken")
            .ToList();
        var resized = fields.Select(field => field.Key == "Input.DesiredSize" ? Field(field.Key, "5") : field).ToList();
        (await PostAndFollowAsync(world.Admin, editPath, editPath, resized, cancellationToken)).GetElementById("Input_DesiredSize")!.GetAttribute("value").ShouldBe("5");
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var stale = await PostAsync(world.Admin, editPath, editPath, fields, cancellationToken);

        stale.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ParseAsync(stale, cancellationToken)).QuerySelector(".errors")!.TextContent.ShouldContain("changed by someone else");
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);
    }

    [Fact]
    public async Task RegisterImage_BadAddressThenValid_ShowsTheMessageThenTheImage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var bad = await PostAsync(world.Admin, "/Admin/Images", "/Admin/Images",
            [Field("Input.Name", "Ubuntu"), Field("Input.Version", "24.04"), Field("Input.BaseContentAddress", "md5:x"), Field("Input.SizeBytes", "1024")], cancellationToken);
        FieldError(await ParseAsync(bad, cancellationToken), "Input.BaseContentAddress").ShouldContain("sha256:");
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);

        var page = await PostAndFollowAsync(world.Admin, "/Admin/Images", "/Admin/Images",
            [Field("Input.Name", "Ubuntu"), Field("Input.Version", "24.04"), Field("Input.BaseContentAddress", "sha256:" + new string('c', 64)), Field("Input.SizeBytes", "1024")], cancellationToken);
        Notice(page).ShouldBe("Image 'Ubuntu 24.04' registered.");
        page.QuerySelector("#images")!.TextContent.ShouldContain("Ubuntu");
    }

    [Fact]
    public async Task DrainAndUndrain_AHost_ShowsOnTheListAndInTheAuditLog()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var hosts = await GetAsync(world.Admin, "/Admin/Hosts", cancellationToken);
        var drain = hosts.QuerySelector("#hosts form")!;

        var drained = await PostAndFollowAsync(world.Admin, "/Admin/Hosts", drain.GetAttribute("action")!, [Field("version", drain.QuerySelector("input[name=version]")!.GetAttribute("value")!)], cancellationToken);
        drained.QuerySelector("#hosts .draining")!.TextContent.ShouldBe("yes");
        var stale = await PostAndFollowAsync(world.Admin, "/Admin/Hosts", drain.GetAttribute("action")!, [Field("version", drain.QuerySelector("input[name=version]")!.GetAttribute("value")!)], cancellationToken);
        Notice(stale)!.ShouldContain("changed by someone else");
        var undrain = drained.QuerySelector("#hosts form")!;
        var undrained = await PostAndFollowAsync(world.Admin, "/Admin/Hosts", undrain.GetAttribute("action")!, [Field("version", undrain.QuerySelector("input[name=version]")!.GetAttribute("value")!)], cancellationToken);

        undrained.QuerySelector("#hosts .draining")!.TextContent.ShouldBe("no");
        var audit = await GetAsync(world.Admin, "/Admin/Audit?actor=admin", cancellationToken);
        var actions = audit.QuerySelectorAll("#audit tbody tr").Select(row => row.Children[2].TextContent).ToList();
        actions.Count(action => action == "host.drained").ShouldBe(1);
        actions.ShouldContain("host.undrained");
    }

    [Fact]
    public async Task Audit_FilteredByAnActionFamily_PagesWithTheFilterKept()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        await using (var scope = world.Factory.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<IAuditLog>();
            var at = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
            for (var i = 0; i <= AuditModel.PageSize; i++)
            {
                await log.AppendAsync(new AuditEvent(Guid.NewGuid(), at.AddSeconds(-i), "system", i % 2 == 0 ? "probe.even" : "probe.odd", $"probe:{i}", true, string.Empty), cancellationToken);
            }
        }

        var first = await GetAsync(world.Admin, "/Admin/Audit?action=probe.", cancellationToken);
        Actions(first).Count.ShouldBe(AuditModel.PageSize);
        Actions(first).ShouldAllBe(action => action.StartsWith("probe.", StringComparison.Ordinal));
        var older = first.QuerySelectorAll("nav.pager a").Single(link => link.TextContent.Contains("Older", StringComparison.Ordinal)).GetAttribute("href")!;
        older.ShouldBe("/Admin/Audit?action=probe.&p=2");
        Actions(await GetAsync(world.Admin, older, cancellationToken)).ShouldBe(["probe.even"]);
        Actions(await GetAsync(world.Admin, "/Admin/Audit?action=probe.odd", cancellationToken)).Distinct().ShouldBe(["probe.odd"]);
    }

    [Fact]
    public async Task Users_CreateWithAShortPassword_ShowsTheRule_ThenCreateAndPromote()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);

        using var bad = await PostAsync(world.Admin, "/Admin/Users", "/Admin/Users", [Field("Input.UserName", "carol"), Field("Input.Password", "short"), Field("Input.Role", "User")], cancellationToken);
        var badPage = await ParseAsync(bad, cancellationToken);
        FieldError(badPage, "Input.Password").ShouldContain("12");
        badPage.QuerySelector("#users")!.TextContent.ShouldNotContain("carol");

        var created = await PostAndFollowAsync(world.Admin, "/Admin/Users", "/Admin/Users", [Field("Input.UserName", "carol"), Field("Input.Password", ApiWorld.Password), Field("Input.Role", "User")], cancellationToken);
        Notice(created).ShouldBe("User 'carol' created.");
        var setRole = created.QuerySelector("tr[data-user=carol] form")!.GetAttribute("action")!;
        var promoted = await PostAndFollowAsync(world.Admin, "/Admin/Users", setRole, [Field("role", "Admin")], cancellationToken);

        promoted.QuerySelector("tr[data-user=carol] .roles")!.TextContent.ShouldBe("Admin");
        var carol = await ApiWorld.LoginAsync(world.Factory, "carol", ApiWorld.Password, cancellationToken);
        (await GetAsync(carol, "/Admin/Users", cancellationToken)).QuerySelector("h1")!.TextContent.ShouldBe("Users and groups");
    }

    [Fact]
    public async Task Users_AddToGroupWithABadName_ShowsTheRule_ThenAddAndRemove()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var fingerprint = await world.FingerprintAsync(cancellationToken);

        using var bad = await PostAsync(world.Admin, "/Admin/Users", "/Admin/Users?handler=AddToGroup", [Field("Membership.UserId", world.AliceId), Field("Membership.Group", "two words")], cancellationToken);
        bad.StatusCode.ShouldBe(HttpStatusCode.OK);
        var badPage = await ParseAsync(bad, cancellationToken);
        FieldError(badPage, "Membership.Group").ShouldContain("may contain only");
        badPage.QuerySelector("#no-groups").ShouldNotBeNull();
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(fingerprint);

        var added = await PostAndFollowAsync(world.Admin, "/Admin/Users", "/Admin/Users?handler=AddToGroup", [Field("Membership.UserId", world.AliceId), Field("Membership.Group", "eng")], cancellationToken);
        Notice(added).ShouldBe("'alice' is now in group 'eng'.");
        added.QuerySelector("#groups tr[data-group=eng] .members")!.TextContent.ShouldBe("alice");
        var remove = added.QuerySelector("tr[data-user=alice] form[data-group=eng]")!.GetAttribute("action")!;

        var removed = await PostAndFollowAsync(world.Admin, "/Admin/Users", remove, [], cancellationToken);
        Notice(removed).ShouldBe("'alice' is no longer in group 'eng'.");
        removed.QuerySelector("#no-groups").ShouldNotBeNull();
    }

    [Fact]
    public async Task Users_AdminDemotingThemselves_IsRefused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var users = await GetAsync(world.Admin, "/Admin/Users", cancellationToken);

        var page = await PostAndFollowAsync(world.Admin, "/Admin/Users", users.QuerySelector("tr[data-user=admin] form")!.GetAttribute("action")!, [Field("role", "User")], cancellationToken);

        Notice(page).ShouldBe("Role cannot be taken from yourself: another admin must do that.");
        page.QuerySelector("tr[data-user=admin] .roles")!.TextContent.ShouldBe("Admin");
    }

    [Fact]
    public async Task AuditLog_FiltersByActorAndTime_AndPages()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);

        var byAdmin = await GetAsync(world.Admin, "/Admin/Audit?actor=admin", cancellationToken);
        var byAlice = await GetAsync(world.Admin, "/Admin/Audit?actor=alice", cancellationToken);
        var future = await GetAsync(world.Admin, "/Admin/Audit?from=2999-01-01T00:00", cancellationToken);
        var secondPage = await GetAsync(world.Admin, "/Admin/Audit?p=2", cancellationToken);

        var rows = byAdmin.QuerySelectorAll("#audit tbody tr");
        rows.ShouldNotBeEmpty();
        rows.ShouldAllBe(row => row.Children[1].TextContent == "admin");
        rows.Select(row => row.Children[2].TextContent).ShouldContain("pool.created");
        byAlice.GetElementById("no-entries").ShouldNotBeNull();
        future.GetElementById("no-entries").ShouldNotBeNull();
        secondPage.GetElementById("no-entries").ShouldNotBeNull();
        byAdmin.QuerySelector(".pager")!.TextContent.ShouldNotContain("Older");
    }

    [Fact]
    public async Task Desktops_FilterByState_AndDashboardCounts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        await world.AliceDesktopAsync(cancellationToken);

        var provisioning = await GetAsync(world.Admin, "/Admin/Desktops?state=Provisioning", cancellationToken);
        var available = await GetAsync(world.Admin, "/Admin/Desktops?state=Available", cancellationToken);
        var dashboard = await GetAsync(world.Admin, "/Admin", cancellationToken);

        provisioning.QuerySelectorAll("#desktops tbody tr").Length.ShouldBe(3);
        provisioning.GetElementById("desktop-count")!.TextContent.ShouldBe("3 desktop(s) match.");
        available.QuerySelector("#desktops").ShouldBeNull();
        dashboard.QuerySelector("#dashboard-states tbody")!.TextContent.ShouldContain("Provisioning");
        dashboard.QuerySelector("#dashboard-hosts tbody")!.TextContent.ShouldContain("Healthy");
    }

    private static List<string> Actions(IDocument audit) => [.. audit.QuerySelectorAll("#audit tbody tr").Select(row => row.Children[2].TextContent)];
}
