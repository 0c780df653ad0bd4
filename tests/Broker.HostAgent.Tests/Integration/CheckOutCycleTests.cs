using System.Text.RegularExpressions;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Pools;
using Broker.HostAgent.Broker;
using Broker.Testing.Qemu;
using Broker.Transfer;
using Grpc.Core;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// The whole check-out cycle across processes' interfaces: the real broker, the real
/// <c>broker-host</c>, and a device that speaks the gateway over raw gRPC and moves the disk with the
/// Broker.Transfer client library, with real QEMU booting the counter guest on the host and on the laptop.
/// </summary>
public sealed partial class CheckOutCycleTests
{
    private const int VmMemoryMiB = 32;

    [Fact]
    public async Task A_desktop_checked_out_and_checked_in_counts_its_boots_on_across_the_host_and_the_laptop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);
        var id = await world.ProvisionedDesktopAsync(cancellationToken);
        var desktopId = id.Value.ToString();
        var hostBoot = await BootOnHostAsync(world, id, cancellationToken);
        await world.ApplyAsync(id, desktop => [new StopRequested(desktop.Epoch)], cancellationToken);
        await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(world.Desktops.RunningVms == 0), "the desktop's VM is stopped", cancellationToken);

        await using var device = await world.EnrollDeviceAsync(cancellationToken);
        AgentCommand pull, lease;
        string laptopBoot;
        long pushedLayer;
        PushResult pushed;
        AgentCommand release;
        await using (var laptop = await CheckOutAsync(world, device, id, cancellationToken))
        {
            (pull, lease) = (laptop.Pull, laptop.Lease);
            laptopBoot = await laptop.Copy.BootToPowerOffAsync(VmMemoryMiB, cancellationToken);
            pushedLayer = (await laptop.Copy.Layers.SealAsync(cancellationToken)).Id;

            var checkIn = await device.Gateway.RequestCheckInAsync(new RequestCheckInRequest { DesktopId = desktopId, Epoch = lease.Epoch }, device.Credential, cancellationToken: cancellationToken);
            checkIn.Desktop.State.ShouldBe(nameof(DesktopState.CheckInRequested));
            (await device.CommandAsync(AgentCommandKind.BeginCheckIn, cancellationToken)).Epoch.ShouldBe(lease.Epoch);
            (await device.ReportAsync(desktopId, lease.Epoch, DesktopReportKind.FinalUploadStarted, cancellationToken)).Accepted.ShouldBeTrue();
            pushed = await laptop.Copy.PushFinalAsync(pushedLayer, lease.Epoch, cancellationToken);
            release = await device.CommandAsync(AgentCommandKind.ReleaseLocalCopy, cancellationToken);
        }

        await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(world.Desktops.Observe().Single().Locked == false), "the host unlocked the server copy", cancellationToken);
        var checkedIn = await world.DesktopAsync(id, cancellationToken);
        var serverBoot = await BootOnHostAsync(world, id, cancellationToken);

        hostBoot.ShouldBe("boot count 1");
        pull.HostTransferAddress.ShouldBe($"http://127.0.0.1:{world.TransferPort}", "the device pulls from where the host said it listens");
        lease.Epoch.ShouldBe(pull.Epoch + 1, "authority moves to the device at the next epoch");
        laptopBoot.ShouldBe("boot count 2");
        pushed.ShouldSatisfyAllConditions(
            () => pushed.AlreadyPresent.ShouldBeFalse(),
            () => pushed.Final.ShouldBeTrue(),
            () => pushed.Epoch.ShouldBe(lease.Epoch));
        release.Epoch.ShouldBe(lease.Epoch + 1, "authority returns to the server at the next epoch");
        checkedIn.ShouldSatisfyAllConditions(
            () => checkedIn.State.ShouldBe(DesktopState.Available),
            () => checkedIn.Device.ShouldBeNull(),
            () => checkedIn.Epoch.Value.ShouldBe((long)release.Epoch),
            () => checkedIn.LastAckedLayer.ShouldNotBeNull().Value.ToString().ShouldBe(WireLayerIds.ToWire(pushedLayer)));
        world.Desktops.Find(desktopId).ShouldNotBeNull().Layers.Manifest.Find(pushedLayer).ShouldNotBeNull("the laptop's layer joined the host's chain");
        serverBoot.ShouldBe("boot count 3");
    }

    [Fact]
    public async Task A_push_under_the_epoch_before_the_check_out_is_refused_as_stale_and_changes_nothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);
        var id = await world.ProvisionedDesktopAsync(cancellationToken);
        await using var device = await world.EnrollDeviceAsync(cancellationToken);
        await using var laptop = await CheckOutAsync(world, device, id, cancellationToken);
        var layer = (await laptop.Copy.Layers.SealAsync(cancellationToken)).Id;
        var hostChain = world.Desktops.Find(id.Value.ToString()).ShouldNotBeNull().Layers;
        var chainBefore = hostChain.Manifest.CurrentChain().Select(record => record.Id).ToList();
        var filesBefore = Directory.GetFiles(hostChain.Directory).Order().ToList();
        var desktopBefore = await world.DesktopAsync(id, cancellationToken);

        var staleTicket = await Should.ThrowAsync<RpcException>(() => laptop.Copy.PushAsync(layer, laptop.Pull.Epoch, laptop.Pull.Epoch, cancellationToken));
        var stalePush = await Should.ThrowAsync<RpcException>(() => laptop.Copy.PushAsync(layer, laptop.Lease.Epoch, laptop.Pull.Epoch, cancellationToken));

        staleTicket.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        staleTicket.Trailers.GetValue("broker-reason").ShouldBe(nameof(StaleEpoch), "the broker signs no ticket for an epoch that is past");
        TransferRejections.ReasonOf(stalePush).ShouldBe(TransferRejection.StaleEpoch, stalePush.Status.Detail);
        hostChain.Manifest.CurrentChain().Select(record => record.Id).ShouldBe(chainBefore);
        Directory.GetFiles(hostChain.Directory).Order().ToList().ShouldBe(filesBefore, "nothing was staged");
        (await world.DesktopAsync(id, cancellationToken)).ShouldBe(desktopBefore);

        var current = await laptop.Copy.PushAsync(layer, laptop.Lease.Epoch, laptop.Lease.Epoch, cancellationToken);
        current.AlreadyPresent.ShouldBeFalse("the same layer under the current epoch is taken: the refusal was the epoch's");
        hostChain.Manifest.Find(layer).ShouldNotBeNull();
    }

    /// <summary>
    /// The device asks for the check-out; on START_PULL it pulls the chain to a laptop copy and
    /// reports the transfer complete; the broker grants the lease.
    /// </summary>
    private static async Task<CheckedOut> CheckOutAsync(HostAgentWorld world, TestDevice device, DesktopId id, CancellationToken cancellationToken)
    {
        var requested = await device.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = id.Value.ToString() }, device.Credential, cancellationToken: cancellationToken);
        requested.Desktop.DeviceId.ShouldBe(device.Id);
        var pull = await device.CommandAsync(AgentCommandKind.StartPull, cancellationToken);
        // The broker sends SERVE_TRANSFER to the host and START_PULL to the device together; a pull
        // ahead of the host is refused with NOT_CHECKED_OUT (the client agent retries it).
        await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(world.Desktops.Find(pull.DesktopId)?.DeviceId == device.Id), "the host serves the device", cancellationToken);
        var copy = await LaptopCopy.PullAsync(device, pull, world.Directory, cancellationToken);
        try
        {
            (await device.ReportAsync(pull.DesktopId, pull.Epoch, DesktopReportKind.TransferCompleted, cancellationToken)).Accepted.ShouldBeTrue();
            var lease = await device.CommandAsync(AgentCommandKind.GrantLease, cancellationToken);
            await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(world.Desktops.Observe().Single().Epoch == lease.Epoch), "the host accepts the device's pushes", cancellationToken);
            return new CheckedOut(copy, pull, lease);
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the desktop on the host with a fresh console log; returns the count the guest prints.</summary>
    private static async Task<string> BootOnHostAsync(HostAgentWorld world, DesktopId id, CancellationToken cancellationToken)
    {
        File.Delete(world.SerialLogPath(id)); // the last run's count must not pass for this one's
        await world.ApplyAsync(id, desktop => [new StartRequested(desktop.Epoch, RetentionPolicy.Default)], cancellationToken);
        return (await SerialLog.WaitForAsync(world.SerialLogPath(id), BootCount(), cancellationToken)).Value;
    }

    [GeneratedRegex(@"boot count \d+")]
    private static partial Regex BootCount();

    /// <summary>A laptop copy with the commands that made it: START_PULL and GRANT_LEASE.</summary>
    private sealed record CheckedOut(LaptopCopy Copy, AgentCommand Pull, AgentCommand Lease) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Copy.DisposeAsync();
    }
}
