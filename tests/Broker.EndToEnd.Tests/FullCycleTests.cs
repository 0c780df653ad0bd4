using Broker.EndToEnd.Tests.Harness;

namespace Broker.EndToEnd.Tests;

/// <summary>
/// Issue 10, scenario 1: the counter guest's boot count continues from the server to the laptop and
/// back, driven only by the REST API (the server side) and <c>brokerctl desktop</c> (the laptop side).
/// </summary>
[Collection(SharedDemo.Name)]
public sealed class FullCycleTests(DemoFixture fixture) : IAsyncDisposable
{
    private readonly DemoWorld _world = fixture.World;

    [Fact]
    public async Task Boot_count_continues_from_the_server_to_the_laptop_and_back()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var demo = await UserApi.SignInAsync(_world, "demo", _world.Credential("demo-password"), fixture.File("demo-user"), cancellationToken);
        (await demo.DevicesAsync(cancellationToken)).ShouldHaveSingleItem("the demo's client agent is demo's device");
        var desktop = await demo.DesktopInPoolAsync("demo", cancellationToken);
        var name = (await demo.DesktopAsync(desktop, cancellationToken)).GetProperty("name").GetString().ShouldNotBeNull();
        var laptop = new LocalDesktops(new Brokerctl(fixture.File("laptop-user")), _world.ClientSocket);
        // Each run's console, as QEMU writes it: the host agent's and the client agent's copy of the desktop.
        var hostConsole = Path.Combine(_world.StateDirectory, "host", "desktops", desktop.ToString(), "serial.log");
        var laptopConsole = Path.Combine(_world.StateDirectory, "client", "desktops", desktop.ToString(), "serial.log");

        await demo.StartAsync(desktop, cancellationToken);
        await CounterConsole.WaitForBootAsync(hostConsole, 1, cancellationToken);
        await demo.StopAsync(desktop, cancellationToken);

        await laptop.RunAsync("checkout", name, cancellationToken);
        await laptop.WaitForPhaseAsync(name, "LOCAL_PHASE_READY", cancellationToken);
        await laptop.RunAsync("start", name, cancellationToken);
        await CounterConsole.WaitForBootAsync(laptopConsole, 2, cancellationToken);
        await laptop.RunAsync("stop", name, cancellationToken);
        await laptop.RunAsync("checkin", name, cancellationToken);
        await laptop.WaitUntilReleasedAsync(desktop, cancellationToken);

        await Polling.UntilAsync(
            $"the broker to show {name} Available again",
            async token => (await demo.DesktopAsync(desktop, token)).GetProperty("state").GetString(),
            state => state == "Available",
            TimeSpan.FromMinutes(1),
            cancellationToken);
        await demo.StartAsync(desktop, cancellationToken);
        await CounterConsole.WaitForBootAsync(hostConsole, 3, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        TestContext.Current.AddAttachment("demo logs", _world.Logs());
        return ValueTask.CompletedTask;
    }
}
