using System.Text.RegularExpressions;
using Broker.EndToEnd.Tests.Harness;
using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.EndToEnd.Tests;

/// <summary>
/// Issue 10, scenario 2: the churn guest (it verifies every earlier write still live, then writes
/// more) checked out, run on the laptop with two syncs sealing its disk while it runs, checked in and
/// verified on the server. Its own demo world, whose image (named <c>counter</c> by the script) is
/// the churn guest; driven only by the REST API and <c>brokerctl</c>.
/// </summary>
public sealed class ChurnSyncTests : IAsyncLifetime
{
    /// <summary><c>WRITES_PER_BOOT</c> of <c>tests/guests/churn/churn.asm</c>: sectors each boot writes.</summary>
    private const int WritesPerBoot = 128;

    /// <summary>One boot of the churn guest, QEMU start included, under TCG on a loaded machine.</summary>
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(2);

    /// <summary>The host's acknowledgement travels host → broker as a report after the push's answer.</summary>
    private static readonly TimeSpan AckLimit = TimeSpan.FromMinutes(1);

    private readonly TempDirectory _directory = new("broker-e2e-churn-");
    private DemoWorld? _world;

    private DemoWorld World => _world ?? throw new InvalidOperationException("The demo world is not started.");

    public async ValueTask InitializeAsync() =>
        _world = await DemoWorld.StartAsync(_directory.File("demo"), TestGuests.Churn, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Churn_written_on_the_laptop_through_two_syncs_while_the_guest_runs_verifies_on_the_server()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var demoDesktop = await DemoDesktop.OpenAsync(World, _directory.File, cancellationToken);
        var (demo, desktop, name, laptop) = (demoDesktop.User, demoDesktop.Id, demoDesktop.Name, demoDesktop.Laptop);
        var (hostConsole, laptopConsole) = (demoDesktop.HostConsole, demoDesktop.LaptopConsole);

        // Boot 1 on the server formats the disk and writes the first sectors.
        await demo.StartAsync(desktop, cancellationToken);
        await WaitForVerifyOkAsync(hostConsole, 1, cancellationToken);
        await demo.StopAsync(desktop, cancellationToken);
        var lastSync = UserApi.LastSyncAt(await demo.DesktopAsync(desktop, cancellationToken));

        // Boot 2 on the laptop verifies what the server wrote, as pulled.
        await laptop.RunAsync("checkout", name, cancellationToken);
        await laptop.WaitForPhaseAsync(name, "LOCAL_PHASE_READY", cancellationToken);
        await laptop.RunAsync("start", name, cancellationToken);
        await WaitForVerifyOkAsync(laptopConsole, 2, cancellationToken);
        await laptop.WaitUntilOffAsync(name, cancellationToken);

        // Boots 3 and 4, each with a sync asked for together with the start: the agent takes them one
        // at a time, so the seal lands as soon as QEMU runs and the push overlaps the guest's reads and
        // writes (the boot is short; when the sync gets in first it pushes before the boot instead).
        foreach (var boot in new[] { 3, 4 })
        {
            var started = laptop.RunAsync("start", name, cancellationToken);
            var synced = await laptop.SyncAsync(name, cancellationToken);
            await started;
            synced.ShouldSatisfyAllConditions(
                () => LocalDesktops.PendingLayers(synced).ShouldBe(0u, $"every sealed layer is acknowledged by the host once sync answers: {synced}"),
                () => synced.TryGetProperty("lastSyncAt", out _).ShouldBeTrue($"the agent records the host's acknowledgement: {synced}"));
            // The agent's message says what the sync measured when it sealed nothing (the top file's
            // length against an empty top's, what the live device said): a sync that got in before
            // the start finds nothing when the previous sync sealed the whole previous boot.
            var said = synced.TryGetProperty("message", out var message) ? message.GetString() : null;
            TestContext.Current.TestOutputHelper?.WriteLine($"the sync during boot {boot} answered with the VM {(LocalDesktops.IsRunning(synced) ? "still running" : "off")}: {said}");
            if (said?.StartsWith("Nothing to sync", StringComparison.Ordinal) != true)
            {
                lastSync = await WaitForBrokerSyncAsync(demo, desktop, lastSync, cancellationToken);
            }

            await WaitForVerifyOkAsync(laptopConsole, boot, cancellationToken);
            await laptop.WaitUntilOffAsync(name, cancellationToken);
        }

        await laptop.RunAsync("checkin", name, cancellationToken);
        await laptop.WaitUntilReleasedAsync(desktop, cancellationToken);
        await demoDesktop.WaitUntilAvailableAsync(cancellationToken);

        // Boot 5 on the server verifies every sector the laptop wrote, through the synced layers and the final one.
        await demo.StartAsync(desktop, cancellationToken);
        await WaitForVerifyOkAsync(hostConsole, 5, cancellationToken);
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

    /// <summary>
    /// Until the console shows boot <paramref name="boot"/> verifying every sector the boots before it
    /// wrote (they stay within the guest's verify window on the demo's 1 MiB disk). A bad sector, a
    /// short count or a missing boot fails by timing out, quoting the console.
    /// </summary>
    private static Task<Match> WaitForVerifyOkAsync(string console, int boot, CancellationToken cancellationToken) =>
        SerialLog.WaitForAsync(console, new Regex($@"verify ok {boot} sectors {(boot - 1) * WritesPerBoot}\b", RegexOptions.CultureInvariant), cancellationToken, BootLimit);

    /// <summary>Until the REST API shows a last sync later than <paramref name="before"/>: the host reported the layer committed.</summary>
    private static async Task<DateTimeOffset?> WaitForBrokerSyncAsync(UserApi user, Guid desktop, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        var shown = await Polling.UntilAsync(
            $"the broker to record a sync of {desktop} after {before?.ToString("O") ?? "none"}",
            token => user.DesktopAsync(desktop, token),
            answer => UserApi.LastSyncAt(answer) is { } at && (before is null || at > before),
            AckLimit,
            cancellationToken);
        return UserApi.LastSyncAt(shown);
    }
}
