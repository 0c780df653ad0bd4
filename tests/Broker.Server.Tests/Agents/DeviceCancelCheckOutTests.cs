using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Persistence;
using Broker.Testing.Databases;
using Grpc.Core;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

/// <summary>A device cancels its own check-out (CancelCheckOut), also one granted meanwhile: the desktop is Available again, the host unlocks, only the device it is for may, and a repeat changes nothing.</summary>
public sealed class DeviceCancelCheckOutTests(PostgresCluster cluster)
{
    [Fact]
    public async Task CancelCheckOut_WhileTransferring_MakesTheDesktopAvailableAndUnlocksTheHost_ARepeatChangesNothing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var hostId = await world.FirstHostAsync(cancellationToken);
        var device = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        var bob = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.BobDevice.Value, cancellationToken));
        var host = await world.StreamAsync(CoreAgentKind.Host, hostId.Value, cancellationToken);
        using var hostStream = host.Call;
        var laptop = await world.StreamAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken);
        using var laptopStream = laptop.Call;
        (await host.SendAsync(new AgentMessage { HostHeartbeat = new HostHeartbeat { Healthy = true, TransferAddress = "http://127.0.0.1:7443" } }, cancellationToken)).Accepted.ShouldBeTrue();
        (await laptop.SendAsync(new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat() }, cancellationToken)).Accepted.ShouldBeTrue();
        _ = await world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = assigned.Name }, device, cancellationToken: cancellationToken);
        _ = await host.CommandAsync(AgentCommandKind.StopAndSeal, cancellationToken);
        (await host.ReportAsync(assigned.Id, 1, DesktopReportKind.ServerCopyPrepared, Guid.NewGuid().ToString(), cancellationToken)).Accepted.ShouldBeTrue();
        _ = await host.CommandAsync(AgentCommandKind.ServeTransfer, cancellationToken);
        (await host.HeartbeatServingAsync(assigned.Id, 1, world.Api.AliceDevice.Value, "http://127.0.0.1:7443", cancellationToken)).Accepted.ShouldBeTrue();
        var pull = await laptop.CommandAsync(AgentCommandKind.StartPull, cancellationToken);
        var request = new CancelCheckOutRequest { DesktopId = assigned.Id.ToString(), Epoch = pull.Epoch };

        var byBob = await Should.ThrowAsync<RpcException>(() => world.Gateway.CancelCheckOutAsync(request, bob, cancellationToken: cancellationToken).ResponseAsync);
        var cancelled = (await world.Gateway.CancelCheckOutAsync(request, device, cancellationToken: cancellationToken)).Desktop;
        var unlock = await host.CommandAsync(AgentCommandKind.UnlockAndResume, cancellationToken);
        var stop = await laptop.CommandAsync(AgentCommandKind.CancelTransfer, cancellationToken);
        var stored = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        var repeated = (await world.Gateway.CancelCheckOutAsync(request, device, cancellationToken: cancellationToken)).Desktop;

        byBob.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        cancelled.State.ShouldBe(nameof(DesktopState.Available));
        cancelled.DeviceId.ShouldBeEmpty();
        unlock.DesktopId.ShouldBe(assigned.Id.ToString());
        stop.Epoch.ShouldBe(pull.Epoch);
        stored.State.ShouldBe(DesktopState.Available);
        stored.ServerCopyLocked.ShouldBeFalse();
        stored.Device.ShouldBeNull();
        repeated.State.ShouldBe(nameof(DesktopState.Available));
        (await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken)).Version.ShouldBe(stored.Version);
    }

    [Fact]
    public async Task CancelCheckOut_AfterTheLeaseWasGranted_TakesTheGrantBackAtTheNextEpochAndUnlocksTheHost_ARepeatChangesNothing()
    {
        // The device cancels at its pull's epoch while (unknown to it) the broker already granted the lease.
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var device = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        var host = await world.StreamAsync(CoreAgentKind.Host, desktop.Host.Value, cancellationToken);
        using var hostStream = host.Call;
        (await host.SendAsync(new AgentMessage { HostHeartbeat = new HostHeartbeat { Healthy = true } }, cancellationToken)).Accepted.ShouldBeTrue();
        var request = new CancelCheckOutRequest { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value - 1 };

        var cancelled = (await world.Gateway.CancelCheckOutAsync(request, device, cancellationToken: cancellationToken)).Desktop;
        var unlock = await host.CommandAsync(AgentCommandKind.UnlockAndResume, cancellationToken);
        var stored = await world.DesktopAsync(desktop.Id, cancellationToken);
        var repeated = (await world.Gateway.CancelCheckOutAsync(request, device, cancellationToken: cancellationToken)).Desktop;

        cancelled.State.ShouldBe(nameof(DesktopState.Available));
        cancelled.Epoch.ShouldBe((ulong)desktop.Epoch.Value + 1);
        unlock.Epoch.ShouldBe((ulong)desktop.Epoch.Value + 1);
        stored.State.ShouldBe(DesktopState.Available);
        stored.Epoch.ShouldBe(desktop.Epoch.Next());
        stored.ServerCopyLocked.ShouldBeFalse();
        stored.Device.ShouldBeNull();
        stored.Lease.ShouldBeNull();
        repeated.State.ShouldBe(nameof(DesktopState.Available));
        (await world.DesktopAsync(desktop.Id, cancellationToken)).Version.ShouldBe(stored.Version);
    }

    [Fact]
    public async Task CancelCheckOut_WhileCheckingInOrMalformed_IsRefusedAndChangesNothing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var checkedOut = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var device = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        _ = await world.Gateway.RequestCheckInAsync(new RequestCheckInRequest { DesktopId = checkedOut.Id.ToString(), Epoch = (ulong)checkedOut.Epoch.Value }, device, cancellationToken: cancellationToken);
        var checkingIn = await world.DesktopAsync(checkedOut.Id, cancellationToken);

        var duringCheckIn = await Should.ThrowAsync<RpcException>(() => world.Gateway.CancelCheckOutAsync(
            new CancelCheckOutRequest { DesktopId = checkedOut.Id.ToString(), Epoch = (ulong)checkedOut.Epoch.Value - 1 }, device, cancellationToken: cancellationToken).ResponseAsync);
        var malformed = await Should.ThrowAsync<RpcException>(() => world.Gateway.CancelCheckOutAsync(
            new CancelCheckOutRequest { DesktopId = "not-a-uuid", Epoch = 1 }, device, cancellationToken: cancellationToken).ResponseAsync);

        checkingIn.State.ShouldBe(DesktopState.CheckInRequested);
        duringCheckIn.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        malformed.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        (await world.DesktopAsync(checkedOut.Id, cancellationToken)).ShouldBe(checkingIn);
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        return timeout;
    }
}
