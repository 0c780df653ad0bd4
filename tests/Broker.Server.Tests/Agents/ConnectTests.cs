using System.Net;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Persistence;
using Broker.Server.Api.Desktops;
using Broker.Server.Api.Hosts;
using Broker.Server.Desktops;
using Broker.Testing.Databases;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

public sealed class ConnectTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Heartbeat_OnTheStream_IsAckedAndUpdatesTheHostsLastSeenAndHealth(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(provider, cluster, cancellationToken);
        var token = await world.CreateEnrollmentTokenAsync("host-2", cancellationToken);
        var enrolled = await world.Gateway.EnrollAsync(new EnrollRequest { Kind = Contracts.V1.AgentKind.Host, EnrollmentToken = token.Token }, cancellationToken: cancellationToken);
        var before = TimeProvider.System.GetUtcNow();
        var (call, welcome) = await world.ConnectAsync(enrolled.Credential, cancellationToken);
        using var stream = call;
        welcome.HeartbeatInterval.ToTimeSpan().ShouldBeGreaterThan(TimeSpan.Zero);

        await call.RequestStream.WriteAsync(new AgentMessage { Sequence = 7, HostHeartbeat = new HostHeartbeat { Healthy = true } }, cancellationToken);
        var (ack, _) = await AgentWorld.AckAsync(call, 7, cancellationToken);

        ack.Accepted.ShouldBeTrue(ack.Detail);
        var hosts = await ApiWorld.ReadAsync<List<HostResponse>>(
            await world.Api.Admin.GetAsync(new Uri("/api/v1/admin/hosts", UriKind.Relative), cancellationToken), cancellationToken);
        var host = hosts.Single(host => host.Id == token.HostId);
        host.Health.ShouldBe(Core.Hosts.HostHealth.Healthy);
        host.LastSeen.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-1));
    }

    [Fact]
    public async Task Heartbeat_WithATransferAddress_StoresItDurablyAndAnInvalidOneLeavesItAsItWas()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var host = await world.FirstHostAsync(cancellationToken);
        var (call, _) = await world.ConnectAsync(await world.SeedCredentialAsync(CoreAgentKind.Host, host.Value, cancellationToken), cancellationToken);
        using var stream = call;

        await call.RequestStream.WriteAsync(new AgentMessage { Sequence = 1, HostHeartbeat = new HostHeartbeat { Healthy = true, TransferAddress = "http://10.0.0.5:7443" } }, cancellationToken);
        var (valid, _) = await AgentWorld.AckAsync(call, 1, cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Sequence = 2, HostHeartbeat = new HostHeartbeat { Healthy = true, TransferAddress = "10.0.0.6:7443" } }, cancellationToken);
        var (invalid, _) = await AgentWorld.AckAsync(call, 2, cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Sequence = 3, HostHeartbeat = new HostHeartbeat { Healthy = true } }, cancellationToken);
        var (unset, _) = await AgentWorld.AckAsync(call, 3, cancellationToken);

        valid.Accepted.ShouldBeTrue(valid.Detail);
        invalid.Accepted.ShouldBeTrue(invalid.Detail);
        unset.Accepted.ShouldBeTrue(unset.Detail);
        await using var another = new BrokerAppFactory(world.Api.Site); // a second instance on the same database
        await using var scope = another.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(host, cancellationToken);
        stored.ShouldNotBeNull().TransferAddress.ShouldBe("http://10.0.0.5:7443");
    }

    [Fact]
    public async Task StartRequested_ByTheUser_SendsStartDesktopWithTheDesktopsEpochOnItsHostsStream()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var desktop = await world.Api.AliceDesktopAsync(cancellationToken);
        var host = await world.FirstHostAsync(cancellationToken);
        var (call, _) = await world.ConnectAsync(await world.SeedCredentialAsync(CoreAgentKind.Host, host.Value, cancellationToken), cancellationToken);
        using var stream = call;

        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            var actions = scope.ServiceProvider.GetRequiredService<DesktopActions>();
            var alice = new UserIdentity(new UserId(world.Api.AliceId), new HashSet<GroupId>());
            (await actions.StartAsync(alice, new DesktopId(desktop.Id), null, cancellationToken)).Outcome.ShouldBe(DesktopActionOutcome.Done);
        }

        var command = await AgentWorld.CommandAsync(call, AgentCommandKind.StartDesktop, cancellationToken);
        command.DesktopId.ShouldBe(desktop.Id.ToString());
        command.Epoch.ShouldBe((ulong)desktop.Epoch);
        var retention = RetentionPolicy.Default;
        command.Retention.ShouldBe(new SnapshotRetention
        {
            Hourly = (uint)retention.Hourly,
            Daily = (uint)retention.Daily,
            Weekly = (uint)retention.Weekly,
            Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(retention.SnapshotInterval),
        });
    }

    [Fact]
    public async Task StartRequested_OnAnotherInstance_ReachesTheHostOnTheStreamTheOtherHolds()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Postgres, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var desktop = await world.Api.AliceDesktopAsync(cancellationToken);
        var host = await world.FirstHostAsync(cancellationToken);
        // The host's stream goes to a second instance on the same PostgreSQL database. Both reconcile
        // only hourly here, so the order can reach the host only through the instances' relay.
        await using var holder = new BrokerAppFactory(world.Api.Site);
        using var channel = GrpcChannel.ForAddress(holder.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = holder.Server.CreateHandler() });
        var credential = await world.SeedCredentialAsync(CoreAgentKind.Host, host.Value, cancellationToken);
        using var call = new AgentGateway.AgentGatewayClient(channel).Connect(AgentWorld.Bearer(credential), cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { CapabilityVersion = Contracts.ContractVersion.Capability, AgentVersion = "test-agent" } }, cancellationToken);
        (await AgentWorld.NextAsync(call, cancellationToken)).BodyCase.ShouldBe(BrokerMessage.BodyOneofCase.Welcome);

        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            var actions = scope.ServiceProvider.GetRequiredService<DesktopActions>();
            var alice = new UserIdentity(new UserId(world.Api.AliceId), new HashSet<GroupId>());
            (await actions.StartAsync(alice, new DesktopId(desktop.Id), null, cancellationToken)).Outcome.ShouldBe(DesktopActionOutcome.Done);
        }

        var command = await AgentWorld.CommandAsync(call, AgentCommandKind.StartDesktop, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        command.DesktopId.ShouldBe(desktop.Id.ToString());
        command.Epoch.ShouldBe((ulong)desktop.Epoch);
    }

    [Fact]
    public async Task Revoke_ByTheAdmin_SendsUnlockAndResumeWithTheNextEpochToTheHost()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var (call, _) = await world.ConnectAsync(await world.SeedCredentialAsync(CoreAgentKind.Host, desktop.Host.Value, cancellationToken), cancellationToken);
        using var stream = call;

        using var revoked = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/revoke", UriKind.Relative), null, cancellationToken);

        revoked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiWorld.ReadAsync<DesktopResponse>(revoked, cancellationToken)).Epoch.ShouldBe(desktop.Epoch.Value + 1);
        var quarantine = await AgentWorld.CommandAsync(call, AgentCommandKind.QuarantineLatePushes, cancellationToken);
        quarantine.DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        quarantine.RevokedEpoch.ShouldBe((ulong)desktop.Epoch.Value);
        var unlock = await AgentWorld.CommandAsync(call, AgentCommandKind.UnlockAndResume, cancellationToken);
        unlock.DesktopId.ShouldBe(desktop.Id.ToString());
        unlock.Epoch.ShouldBe((ulong)desktop.Epoch.Value + 1);
    }

    [Fact]
    public async Task DesktopReport_FromItsHost_MovesTheStateMachineAndFromAnotherHostIsPermissionDenied()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var token = await world.CreateEnrollmentTokenAsync("host-2", cancellationToken);
        var other = await world.Gateway.EnrollAsync(new EnrollRequest { Kind = Contracts.V1.AgentKind.Host, EnrollmentToken = token.Token }, cancellationToken: cancellationToken);
        var (otherCall, _) = await world.ConnectAsync(other.Credential, cancellationToken);
        using var otherStream = otherCall;
        var (ownCall, _) = await world.ConnectAsync(await world.SeedCredentialAsync(CoreAgentKind.Host, desktop.Host.Value, cancellationToken), cancellationToken);
        using var ownStream = ownCall;
        var layer = Guid.NewGuid().ToString();
        var report = new DesktopReport { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value, Kind = DesktopReportKind.SyncAcknowledged, LayerId = layer };

        await otherCall.RequestStream.WriteAsync(new AgentMessage { Sequence = 1, DesktopReport = report }, cancellationToken);
        var (denied, _) = await AgentWorld.AckAsync(otherCall, 1, cancellationToken);
        var untouched = await world.DesktopAsync(desktop.Id, cancellationToken);
        await ownCall.RequestStream.WriteAsync(new AgentMessage { Sequence = 2, DesktopReport = report }, cancellationToken);
        var (accepted, _) = await AgentWorld.AckAsync(ownCall, 2, cancellationToken);
        await ownCall.RequestStream.WriteAsync(new AgentMessage { Sequence = 3, DesktopReport = new DesktopReport(report) { Epoch = 1 } }, cancellationToken);
        var (stale, _) = await AgentWorld.AckAsync(ownCall, 3, cancellationToken);

        denied.Accepted.ShouldBeFalse();
        denied.Reason.ShouldBe("PermissionDenied");
        untouched.ShouldBe(desktop);
        accepted.Accepted.ShouldBeTrue(accepted.Detail);
        (await world.DesktopAsync(desktop.Id, cancellationToken)).LastAckedLayer.ShouldBe(new LayerId(Guid.Parse(layer)));
        stale.Accepted.ShouldBeFalse();
        stale.Reason.ShouldBe(nameof(StaleEpoch));
    }
}
