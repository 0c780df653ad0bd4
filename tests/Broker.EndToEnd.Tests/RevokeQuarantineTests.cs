using Broker.EndToEnd.Tests.Harness;
using Broker.Testing;

namespace Broker.EndToEnd.Tests;

/// <summary>
/// Issue 10, scenario 3: an admin revokes a checked-out desktop while its laptop is offline. The
/// server copy runs on from the last layer the laptop synced; the laptop, back online, pushes the
/// boot it never synced, which the host keeps in the desktop's quarantine for the admin to see. Its
/// own demo world (the test takes the demo's client agent down); driven only by the REST API and
/// <c>brokerctl</c>.
/// </summary>
public sealed class RevokeQuarantineTests : IAsyncLifetime
{
    /// <summary>Back online, the agent hears of the revoke, then asks for a ticket and pushes its late layer.</summary>
    private static readonly TimeSpan QuarantineLimit = TimeSpan.FromMinutes(2);

    private readonly TempDirectory _directory = new("broker-e2e-revoke-");
    private DemoWorld? _world;

    private DemoWorld World => _world ?? throw new InvalidOperationException("The demo world is not started.");

    public async ValueTask InitializeAsync() =>
        _world = await DemoWorld.StartAsync(_directory.File("demo"), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_revoke_while_the_laptop_is_offline_resumes_the_server_copy_from_its_last_sync_and_quarantines_the_late_layer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var demoDesktop = await DemoDesktop.OpenAsync(World, _directory.File, cancellationToken);
        var (demo, desktop, name, laptop) = (demoDesktop.User, demoDesktop.Id, demoDesktop.Name, demoDesktop.Laptop);
        var (hostConsole, laptopConsole) = (demoDesktop.HostConsole, demoDesktop.LaptopConsole);
        var device = (await demo.DevicesAsync(cancellationToken)).ShouldHaveSingleItem("the demo's client agent is demo's device");

        await demo.StartAsync(desktop, cancellationToken);
        await CounterConsole.WaitForBootAsync(hostConsole, 1, cancellationToken);
        await demo.StopAsync(desktop, cancellationToken);

        // On the laptop: boot 2 synced (the host acknowledged it), boot 3 only on the laptop.
        await laptop.RunAsync("checkout", name, cancellationToken);
        await laptop.WaitForPhaseAsync(name, "LOCAL_PHASE_READY", cancellationToken);
        await laptop.RunAsync("start", name, cancellationToken);
        await CounterConsole.WaitForBootAsync(laptopConsole, 2, cancellationToken);
        await laptop.WaitUntilOffAsync(name, cancellationToken);
        var synced = await laptop.SyncAsync(name, cancellationToken);
        LocalDesktops.PendingLayers(synced).ShouldBe(0u, $"the host acknowledged boot 2's layer once sync answers: {synced}");
        await laptop.RunAsync("start", name, cancellationToken);
        await CounterConsole.WaitForBootAsync(laptopConsole, 3, cancellationToken);
        await laptop.WaitUntilOffAsync(name, cancellationToken);

        // The laptop goes offline; the admin takes the desktop back.
        await World.StopClientAsync(cancellationToken);
        var revoked = await World.Admin.AdminJsonAsync(cancellationToken, "desktops", "revoke", desktop.ToString());
        var revokedEpoch = revoked.GetProperty("epoch").GetInt64() - 1;
        await demoDesktop.WaitUntilAvailableAsync(cancellationToken);

        // The server copy runs on from boot 2, the last synced layer, and on past the laptop's count.
        foreach (var boot in new[] { 3, 4 })
        {
            await demo.StartAsync(desktop, cancellationToken);
            await CounterConsole.WaitForBootAsync(hostConsole, boot, cancellationToken);
            await demo.StopAsync(desktop, cancellationToken);
        }

        // Back online, the laptop learns of the revoke and pushes boot 3 into the quarantine.
        await using (var online = await World.RestartClientAsync(cancellationToken))
        {
            var quarantine = await Polling.UntilAsync(
                $"a quarantined layer of {name}",
                token => World.Admin.AdminJsonAsync(token, "desktops", "quarantine", desktop.ToString()),
                layers => layers.GetArrayLength() > 0,
                QuarantineLimit,
                cancellationToken);
            var layer = quarantine.EnumerateArray().ShouldHaveSingleItem();
            layer.ShouldSatisfyAllConditions(
                () => layer.GetProperty("desktopId").GetGuid().ShouldBe(desktop),
                () => layer.GetProperty("deviceId").GetGuid().ShouldBe(device, "the revoked laptop pushed it"),
                () => layer.GetProperty("revokedEpoch").GetInt64().ShouldBe(revokedEpoch, "pushed under the check-out's epoch"),
                () => layer.GetProperty("sizeBytes").GetInt64().ShouldBeGreaterThan(0),
                () => layer.GetProperty("promoted").GetBoolean().ShouldBeFalse("only an admin's promote runs a desktop on from it"));
        }

        // The late layer stays beside the chain: the server copy's next boot continues from its own boot 4.
        await demo.StartAsync(desktop, cancellationToken);
        await CounterConsole.WaitForBootAsync(hostConsole, 5, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            TestContext.Current.AddAttachment("demo logs", _world.Logs());
            await _world.DisposeAsync();
        }

        _directory.Dispose();
    }
}
