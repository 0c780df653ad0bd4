using System.Text.RegularExpressions;
using Broker.EndToEnd.Tests.Harness;
using Broker.Testing.Qemu;

namespace Broker.EndToEnd.Tests;

/// <summary>What <c>./build.sh demo</c> sets up, checked through <c>brokerctl admin</c> and the REST API.</summary>
[Collection(SharedDemo.Name)]
public sealed partial class DemoSetupTests(DemoFixture fixture) : IAsyncDisposable
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
    public async Task Demo_user_starts_their_desktop_on_the_host_and_the_counter_guest_counts_its_first_boot()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var demo = await UserApi.SignInAsync(_world, "demo", _world.Credential("demo-password"), fixture.File("demo-user"), cancellationToken);
        (await demo.DevicesAsync(cancellationToken)).ShouldHaveSingleItem("the demo's client agent is demo's device");
        var desktop = await demo.DesktopInPoolAsync("demo", cancellationToken);

        await demo.StartAsync(desktop, cancellationToken);

        // The host's console log of that desktop (the host agent keeps it in its data directory).
        var console = Path.Combine(_world.StateDirectory, "host", "desktops", desktop.ToString(), "serial.log");
        var boot = await SerialLog.WaitForAsync(console, BootCount(), cancellationToken, TimeSpan.FromMinutes(2));
        boot.Groups[1].Value.ShouldBe("1");
    }

    public ValueTask DisposeAsync()
    {
        TestContext.Current.AddAttachment("demo logs", _world.Logs());
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"boot count (\d+)")]
    private static partial Regex BootCount();
}
