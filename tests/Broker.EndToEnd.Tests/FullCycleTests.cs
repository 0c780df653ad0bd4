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
        using var demoDesktop = await DemoDesktop.OpenAsync(_world, fixture.File, cancellationToken);
        var (demo, desktop, name, laptop) = (demoDesktop.User, demoDesktop.Id, demoDesktop.Name, demoDesktop.Laptop);
        var (hostConsole, laptopConsole) = (demoDesktop.HostConsole, demoDesktop.LaptopConsole);
        (await demo.DevicesAsync(cancellationToken)).ShouldHaveSingleItem("the demo's client agent is demo's device");

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

        await demoDesktop.WaitUntilAvailableAsync(cancellationToken);
        await demo.StartAsync(desktop, cancellationToken);
        await CounterConsole.WaitForBootAsync(hostConsole, 3, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        TestContext.Current.AddAttachment("demo logs", _world.Logs());
        return ValueTask.CompletedTask;
    }
}
