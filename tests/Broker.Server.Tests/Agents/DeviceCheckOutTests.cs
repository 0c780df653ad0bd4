using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Testing.Databases;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

/// <summary>
/// The device's side of the check-out cycle over gRPC: a host agent and a client agent, both played
/// by raw Connect streams, drive a desktop from Available through check-out and check-in back to
/// Available, with every command arriving on the right stream.
/// </summary>
public sealed class DeviceCheckOutTests(PostgresCluster cluster)
{
    private const string HostAddress = "http://127.0.0.1:7443";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CheckOutAndCheckIn_RequestedByTheDevice_RunTheWholeCycleOverTheStreams(DatabaseProvider provider)
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(provider, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var hostId = await world.FirstHostAsync(cancellationToken);
        var device = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        var host = await world.StreamAsync(CoreAgentKind.Host, hostId.Value, cancellationToken);
        using var hostStream = host.Call;
        var laptop = await world.StreamAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken);
        using var laptopStream = laptop.Call;
        (await host.SendAsync(new AgentMessage { HostHeartbeat = new HostHeartbeat { Healthy = true, TransferAddress = HostAddress } }, cancellationToken)).Accepted.ShouldBeTrue();
        (await laptop.SendAsync(new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat() }, cancellationToken)).Accepted.ShouldBeTrue();

        // The device lists its user's desktops and asks for one by name; asking again changes nothing.
        var listed = (await world.Gateway.ListDesktopsAsync(new ListDesktopsRequest(), device, cancellationToken: cancellationToken)).Desktops.ShouldHaveSingleItem();
        listed.DesktopId.ShouldBe(assigned.Id.ToString());
        listed.PoolName.ShouldBe("Engineering");
        listed.State.ShouldBe(nameof(DesktopState.Available));
        listed.OfflineAllowed.ShouldBeTrue();
        var requested = (await world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = assigned.Name }, device, cancellationToken: cancellationToken)).Desktop;
        requested.DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        var again = (await world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = assigned.Id.ToString() }, device, cancellationToken: cancellationToken)).Desktop;
        again.DesktopId.ShouldBe(assigned.Id.ToString());
        again.State.ShouldBeOneOf(nameof(DesktopState.CheckOutRequested), nameof(DesktopState.Preparing));

        // The reconcile loop admits it: the host seals and locks, serves the device, which is then told to pull from the host's address.
        var seal = await host.CommandAsync(AgentCommandKind.StopAndSeal, cancellationToken);
        seal.DesktopId.ShouldBe(assigned.Id.ToString());
        var sealedLayer = Guid.NewGuid().ToString();
        (await host.ReportAsync(assigned.Id, 1, DesktopReportKind.ServerCopyPrepared, sealedLayer, cancellationToken)).Accepted.ShouldBeTrue();
        (await host.CommandAsync(AgentCommandKind.ServeTransfer, cancellationToken)).DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        (await host.HeartbeatServingAsync(assigned.Id, 1, world.Api.AliceDevice.Value, HostAddress, cancellationToken)).Accepted.ShouldBeTrue();
        var pull = await laptop.CommandAsync(AgentCommandKind.StartPull, cancellationToken);
        pull.HostId.ShouldBe(hostId.ToString());
        pull.HostTransferAddress.ShouldBe(HostAddress);
        var ticket = await world.Gateway.IssueTransferTicketAsync(
            new IssueTransferTicketRequest { DesktopId = assigned.Id.ToString(), Direction = TransferDirection.Pull, Epoch = 1 }, device, cancellationToken: cancellationToken);
        ticket.HostTransferAddress.ShouldBe(HostAddress);

        // The pull completes: the device gets its lease at the next epoch and the host acks a sync.
        (await laptop.ReportAsync(assigned.Id, 1, DesktopReportKind.TransferCompleted, string.Empty, cancellationToken)).Accepted.ShouldBeTrue();
        var grant = await laptop.CommandAsync(AgentCommandKind.GrantLease, cancellationToken);
        grant.Epoch.ShouldBe(2UL);
        var lease = OfflineLease.Parser.ParseFrom(grant.Lease.Lease);
        lease.DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        lease.SyncInterval.ShouldNotBeNull().ToTimeSpan().ShouldBe(OfflinePolicy.Default.SyncInterval, "the pool's sync interval");
        lease.UserMayDeferSync.ShouldBe(OfflinePolicy.Default.UserMayDeferSync);
        var checkedOut = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        checkedOut.State.ShouldBe(DesktopState.CheckedOut);
        checkedOut.Epoch.ShouldBe(new Epoch(2));
        (await host.ReportAsync(assigned.Id, 2, DesktopReportKind.SyncAcknowledged, Guid.NewGuid().ToString(), cancellationToken)).Accepted.ShouldBeTrue();

        // The device asks for the check-in (twice), uploads its final layer, the host commits.
        var checkIn = new RequestCheckInRequest { DesktopId = assigned.Id.ToString(), Epoch = 2 };
        (await world.Gateway.RequestCheckInAsync(checkIn, device, cancellationToken: cancellationToken)).Desktop.State.ShouldBe(nameof(DesktopState.CheckInRequested));
        var requestedVersion = (await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken)).Version;
        (await world.Gateway.RequestCheckInAsync(checkIn, device, cancellationToken: cancellationToken)).Desktop.State.ShouldBe(nameof(DesktopState.CheckInRequested));
        (await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken)).Version.ShouldBe(requestedVersion);
        (await laptop.CommandAsync(AgentCommandKind.BeginCheckIn, cancellationToken)).Epoch.ShouldBe(2UL);
        (await laptop.ReportAsync(assigned.Id, 2, DesktopReportKind.FinalUploadStarted, string.Empty, cancellationToken)).Accepted.ShouldBeTrue();
        var finalLayer = Guid.NewGuid().ToString();
        (await host.ReportAsync(assigned.Id, 2, DesktopReportKind.FinalLayerUploaded, finalLayer, cancellationToken)).Accepted.ShouldBeTrue();
        (await host.CommandAsync(AgentCommandKind.CommitCheckIn, cancellationToken)).LayerId.ShouldBe(finalLayer);
        (await host.ReportAsync(assigned.Id, 2, DesktopReportKind.CheckInCommitted, string.Empty, cancellationToken)).Accepted.ShouldBeTrue();

        var release = await laptop.CommandAsync(AgentCommandKind.ReleaseLocalCopy, cancellationToken);
        release.Epoch.ShouldBe(3UL);
        var available = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        available.State.ShouldBe(DesktopState.Available);
        available.Epoch.ShouldBe(new Epoch(3));
        available.Device.ShouldBeNull();
        available.LastAckedLayer.ShouldBe(new LayerId(Guid.Parse(finalLayer)));
    }

    [Fact]
    public async Task Requests_ForAnotherUsersDesktopOrFromAHost_AreRefusedAndChangeNothing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var bob = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.BobDevice.Value, cancellationToken));
        var host = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Host, desktop.Host.Value, cancellationToken));
        var before = await world.Api.FingerprintAsync(cancellationToken);

        var byId = await RefusedAsync(world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = desktop.Id.ToString() }, bob, cancellationToken: cancellationToken));
        var byName = await RefusedAsync(world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = desktop.Name }, bob, cancellationToken: cancellationToken));
        var checkIn = await RefusedAsync(world.Gateway.RequestCheckInAsync(
            new RequestCheckInRequest { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value }, bob, cancellationToken: cancellationToken));
        var fromHost = await RefusedAsync(world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = desktop.Name }, host, cancellationToken: cancellationToken));
        var listed = await world.Gateway.ListDesktopsAsync(new ListDesktopsRequest(), bob, cancellationToken: cancellationToken);

        byId.StatusCode.ShouldBe(StatusCode.NotFound);
        byName.StatusCode.ShouldBe(StatusCode.NotFound);
        byName.Status.Detail.ShouldContain(desktop.Name);
        checkIn.StatusCode.ShouldBe(StatusCode.NotFound);
        fromHost.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        listed.Desktops.ShouldBeEmpty();
        (await world.Api.FingerprintAsync(cancellationToken)).ShouldBe(before);
        (await world.DesktopAsync(desktop.Id, cancellationToken)).ShouldBe(desktop);
    }

    [Fact]
    public async Task Requests_FromTheUsersOtherDevice_WhileTheFirstHoldsIt_AreRefusedAndChangeNothing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var second = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, (await AddAliceDeviceAsync(world, cancellationToken)).Value, cancellationToken));
        var first = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));

        var checkOut = await RefusedAsync(world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = desktop.Name }, second, cancellationToken: cancellationToken));
        var checkIn = await RefusedAsync(world.Gateway.RequestCheckInAsync(
            new RequestCheckInRequest { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value }, second, cancellationToken: cancellationToken));
        var stale = await RefusedAsync(world.Gateway.RequestCheckInAsync(
            new RequestCheckInRequest { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value - 1 }, first, cancellationToken: cancellationToken));
        var holder = await world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = desktop.Name }, first, cancellationToken: cancellationToken);

        checkOut.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        checkOut.Trailers.GetValue(AgentRefusal.ReasonTrailer).ShouldBe(nameof(IllegalTransition));
        checkIn.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        stale.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        stale.Trailers.GetValue(AgentRefusal.ReasonTrailer).ShouldBe(nameof(StaleEpoch));
        holder.Desktop.State.ShouldBe(nameof(DesktopState.CheckedOut));
        holder.Desktop.DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        (await world.DesktopAsync(desktop.Id, cancellationToken)).ShouldBe(desktop);
    }

    [Fact]
    public async Task RequestCheckOut_OfAnUnknownNameOrWithoutADesktop_IsRefused()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        await world.Api.AliceDesktopAsync(cancellationToken);
        var alice = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));

        var unknown = await RefusedAsync(world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest { Desktop = "no-such-desktop" }, alice, cancellationToken: cancellationToken));
        var empty = await RefusedAsync(world.Gateway.RequestCheckOutAsync(new RequestCheckOutRequest(), alice, cancellationToken: cancellationToken));
        var noEpoch = await RefusedAsync(world.Gateway.RequestCheckInAsync(new RequestCheckInRequest { DesktopId = Guid.NewGuid().ToString() }, alice, cancellationToken: cancellationToken));

        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
        unknown.Status.Detail.ShouldContain("no-such-desktop");
        empty.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        noEpoch.StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2)); // a lost command fails the test instead of hanging it
        return timeout;
    }

    private static Task<RpcException> RefusedAsync<T>(AsyncUnaryCall<T> call) => Should.ThrowAsync<RpcException>(() => call.ResponseAsync);

    private static async Task<DeviceId> AddAliceDeviceAsync(AgentWorld world, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var device = Device.Create(DeviceId.New(), new DeviceDraft(new UserId(world.Api.AliceId), "alice-desktop-pc")).Value!;
        (await scope.ServiceProvider.GetRequiredService<IDeviceStore>().AddAsync(device, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return device.Id;
    }
}
