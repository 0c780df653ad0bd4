using System.Text.RegularExpressions;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Pools;
using Broker.HostAgent.Broker;
using Broker.Testing.Qemu;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>The real broker and a real <c>broker-host</c> carrying out a pool desktop's life with real QEMU and the counter guest.</summary>
public sealed partial class DesktopLifecycleTests
{
    [Fact]
    public async Task A_pool_desktop_is_provisioned_on_the_host_boots_the_counter_guest_and_stops()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);
        var id = await world.ProvisionedDesktopAsync(cancellationToken);

        using var admin = await AdminApi.CreateAsync(world.Broker, cancellationToken);

        await world.ApplyAsync(id, desktop => [new StartRequested(desktop.Epoch, RetentionPolicy.Default)], cancellationToken);
        var console = string.Empty;
        await HostAgentWorld.WaitUntilAsync(
            async () => BootCount().IsMatch(console = (await admin.ConsoleAsync(id, 4096, cancellationToken)).Text),
            "the broker's console endpoint shows the guest's boot count",
            cancellationToken);
        BootCount().Match(console).Groups[1].Value.ShouldBe("1");

        await world.ApplyAsync(id, desktop => [new StopRequested(desktop.Epoch)], cancellationToken);
        await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(world.Desktops.RunningVms == 0), "the desktop's VM is stopped", cancellationToken);
        (await admin.ConsoleAsync(id, 4096, cancellationToken)).Text.ShouldContain("boot count 1", customMessage: "the log of the last run stays readable");
    }

    [Fact]
    public async Task A_check_out_seals_and_locks_the_server_copy_and_the_host_then_refuses_to_start_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);
        var id = await world.ProvisionedDesktopAsync(cancellationToken);
        await world.ApplyAsync(id, desktop => [new StartRequested(desktop.Epoch, RetentionPolicy.Default)], cancellationToken);
        _ = await SerialLog.WaitForAsync(world.SerialLogPath(id), BootCount(), cancellationToken);
        var device = await world.CreateDeviceAsync(cancellationToken);

        await world.ApplyAsync(id, desktop => [new CheckOutRequested(desktop.Epoch, device), new CheckOutAdmitted(desktop.Epoch)], cancellationToken);
        await HostAgentWorld.WaitUntilAsync(async () => (await world.DesktopAsync(id, cancellationToken)).State == DesktopState.Transferring, "the host prepared the server copy", cancellationToken);

        var stored = await world.DesktopAsync(id, cancellationToken);
        WireLayerIds.TryFromWire(stored.LastAckedLayer.ShouldNotBeNull().Value.ToString(), out var sealedLayer).ShouldBeTrue();
        var held = world.Desktops.Find(id.Value.ToString()).ShouldNotBeNull();
        held.Layers.Manifest.Find(sealedLayer).ShouldNotBeNull("the layer the broker recorded is sealed in the host's chain");
        var observed = world.Desktops.Observe().ShouldHaveSingleItem();
        var epoch = (ulong)stored.Epoch.Value;
        observed.ShouldSatisfyAllConditions(
            () => observed.Locked.ShouldBeTrue(),
            () => observed.Running.ShouldBeFalse(),
            () => observed.Epoch.ShouldBe(epoch));

        var start = new AgentCommand { Kind = AgentCommandKind.StartDesktop, DesktopId = id.Value.ToString(), Epoch = epoch };
        var refused = await world.Desktops.ApplyAsync(start, cancellationToken);
        refused.Succeeded.ShouldBeFalse();
        refused.Detail.ShouldContain("checked out");
        world.Desktops.RunningVms.ShouldBe(0);
    }

    [GeneratedRegex(@"boot count (\d+)")]
    private static partial Regex BootCount();
}
