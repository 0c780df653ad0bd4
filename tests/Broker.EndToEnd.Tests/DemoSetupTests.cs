using System.Net;
using Broker.EndToEnd.Tests.Harness;

namespace Broker.EndToEnd.Tests;

/// <summary>What <c>./build.sh demo</c> sets up, checked through <c>brokerctl admin</c> and the REST API.</summary>
[Collection(SharedDemo.Name)]
public sealed class DemoSetupTests(DemoFixture fixture) : IAsyncDisposable
{
    private readonly DemoWorld _world = fixture.World;

    [Fact]
    public async Task Demo_pool_is_as_the_issue_asks_with_two_desktops_available_on_the_host()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var shown = await _world.Admin.AdminJsonAsync(cancellationToken, "pools", "show", "demo");
        var pool = shown.GetProperty("pool");
        var offline = pool.GetProperty("offline");
        var desktops = await _world.Admin.AdminJsonAsync(cancellationToken, "desktops", "list", "--pool", "demo");
        var hosts = await _world.Admin.AdminJsonAsync(cancellationToken, "hosts", "list");

        pool.ShouldSatisfyAllConditions(
            () => pool.GetProperty("kind").GetString().ShouldBe("Dedicated"),
            () => pool.GetProperty("desiredSize").GetInt32().ShouldBe(2),
            () => offline.GetProperty("allowed").GetBoolean().ShouldBeTrue(),
            () => offline.GetProperty("leaseDays").GetInt32().ShouldBe(7),
            () => offline.GetProperty("syncIntervalMinutes").GetInt32().ShouldBe(5));
        shown.GetProperty("entitlements").EnumerateArray().ShouldHaveSingleItem();
        var host = hosts.EnumerateArray().ShouldHaveSingleItem();
        host.GetProperty("health").GetString().ShouldBe("Healthy");
        var items = desktops.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(2);
        items.ShouldAllBe(desktop => desktop.GetProperty("state").GetString() == "Available" && desktop.GetProperty("hostId").GetGuid() == host.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Portal_serves_its_stylesheet_to_the_login_page()
    {
        using var http = new HttpClient { BaseAddress = _world.Portal };

        using var response = await http.GetAsync(new Uri("css/site.css", UriKind.Relative), TestContext.Current.CancellationToken);

        response.RequestMessage?.RequestUri?.AbsolutePath.ShouldBe("/css/site.css", "a file the portal does not have falls through to the login redirect");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/css");
    }

    public ValueTask DisposeAsync()
    {
        TestContext.Current.AddAttachment("demo logs", _world.Logs());
        return ValueTask.CompletedTask;
    }
}
