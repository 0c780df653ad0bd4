using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Testing.Databases;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using CoreAgentKind = Broker.Core.Access.AgentKind;
using CoreHost = Broker.Core.Hosts.Host;

namespace Broker.Server.Tests.Agents;

/// <summary>
/// Heartbeats under load: a heartbeat that repeats the previous one is not a database write (its time
/// waits for the batched flush), one that changes health is written at once, and offline detection
/// by another instance still works from the flushed times.
/// </summary>
public sealed class HeartbeatWriteTests(PostgresCluster cluster)
{
    /// <summary>The flush and the host heartbeat far apart, so only the test flushes.</summary>
    private static readonly Dictionary<string, string?> FlushOnlyWhenAsked = new()
    {
        ["Agents:LastSeenFlushInterval"] = "00:10:00",
        ["Agents:HostHeartbeat"] = "00:30:00",
    };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RepeatedHeartbeat_IsWrittenOnlyByTheFlush_WhichKeepsTheHostOnlineForAnotherInstance(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(provider, cluster, cancellationToken);
        var hostId = await world.FirstHostAsync(cancellationToken);
        var idle = await TestHosts.AddHealthyAsync(world.Api.Factory.Services, "host-idle", 5, TimeProvider.System.GetUtcNow().AddHours(-3), cancellationToken);
        await using var instance = new BrokerAppFactory(world.Api.Site, FlushOnlyWhenAsked);
        using var agent = await InstanceAgent.ConnectAsync(instance, await world.SeedCredentialAsync(CoreAgentKind.Host, hostId.Value, cancellationToken), cancellationToken);
        await agent.HeartbeatAsync(1, healthy: true, cancellationToken);
        var stale = await MakeLastSeenStaleAsync(world, hostId, cancellationToken);

        var before = TimeProvider.System.GetUtcNow();
        await agent.HeartbeatAsync(2, healthy: true, cancellationToken);
        var unwritten = await FindHostAsync(world, hostId, cancellationToken);
        await using (var scope = instance.Services.CreateAsyncScope())
        {
            await instance.Services.GetRequiredService<LastSeenBuffer>().FlushAsync(
                scope.ServiceProvider.GetRequiredService<IHostStore>(), scope.ServiceProvider.GetRequiredService<IDeviceStore>(), cancellationToken);
        }

        var flushed = await FindHostAsync(world, hostId, cancellationToken);
        await ReconcileLoopOf(world.Api.Factory).RunRoundAsync(cancellationToken); // the other instance judges from stored times only

        unwritten.ShouldBe(stale);
        flushed.ShouldBe(stale with { LastSeen = flushed.LastSeen });
        flushed.LastSeen.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-1));
        (await FindHostAsync(world, hostId, cancellationToken)).Health.ShouldBe(HostHealth.Healthy);
        (await FindHostAsync(world, idle, cancellationToken)).Health.ShouldBe(HostHealth.Offline);
    }

    [Fact]
    public async Task HeartbeatChangingHealth_IsWrittenAtOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var hostId = await world.FirstHostAsync(cancellationToken);
        await using var instance = new BrokerAppFactory(world.Api.Site, FlushOnlyWhenAsked);
        using var agent = await InstanceAgent.ConnectAsync(instance, await world.SeedCredentialAsync(CoreAgentKind.Host, hostId.Value, cancellationToken), cancellationToken);
        await agent.HeartbeatAsync(1, healthy: true, cancellationToken);
        var healthy = await FindHostAsync(world, hostId, cancellationToken);

        await agent.HeartbeatAsync(2, healthy: false, cancellationToken);

        healthy.Health.ShouldBe(HostHealth.Healthy);
        (await FindHostAsync(world, hostId, cancellationToken)).Health.ShouldBe(HostHealth.Unhealthy);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnyInstance_MarksADeviceOfflineFromItsStoredLastSeen_WhereverItWasConnected(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(provider, cluster, cancellationToken);
        var now = TimeProvider.System.GetUtcNow();
        var gone = await AddOnlineDeviceAsync(world, "gone-laptop", now.AddHours(-3), cancellationToken);
        var elsewhere = await AddOnlineDeviceAsync(world, "laptop-on-the-other-instance", now, cancellationToken);

        await ReconcileLoopOf(world.Api.Factory).RunRoundAsync(cancellationToken); // no agent is connected to this instance
        var afterFirst = await FindDeviceAsync(world, gone, cancellationToken);
        await ReconcileLoopOf(world.Api.Factory).RunRoundAsync(cancellationToken); // idempotent: nothing left to change

        afterFirst.Online.ShouldBeFalse();
        (await FindDeviceAsync(world, gone, cancellationToken)).ShouldBe(afterFirst);
        (await FindDeviceAsync(world, elsewhere, cancellationToken)).Online.ShouldBeTrue();
    }

    private static async Task<DeviceId> AddOnlineDeviceAsync(AgentWorld world, string name, DateTimeOffset lastSeen, CancellationToken cancellationToken)
    {
        var device = Device.Create(DeviceId.New(), new DeviceDraft(new Core.Entitlements.UserId(world.Api.AliceId), name)).Value! with { Online = true, LastSeen = lastSeen };
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IDeviceStore>().AddAsync(device, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return device.Id;
    }

    private static async Task<Device> FindDeviceAsync(AgentWorld world, DeviceId id, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IDeviceStore>().FindAsync(id, cancellationToken))!;
    }


    /// <summary>Sets the stored last-seen time three hours back, as if no flush had come for that long.</summary>
    private static async Task<CoreHost> MakeLastSeenStaleAsync(AgentWorld world, HostId id, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var hosts = scope.ServiceProvider.GetRequiredService<IHostStore>();
        var host = (await hosts.FindAsync(id, cancellationToken))!;
        host.Health.ShouldBe(HostHealth.Healthy);
        var stale = host with { LastSeen = TimeProvider.System.GetUtcNow().AddHours(-3) };
        var saved = await hosts.UpdateAsync(stale, cancellationToken);
        saved.Outcome.ShouldBe(WriteOutcome.Saved);
        return (await hosts.FindAsync(id, cancellationToken))!;
    }

    private static async Task<CoreHost> FindHostAsync(AgentWorld world, HostId id, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(id, cancellationToken))!;
    }

    private static ReconcileLoop ReconcileLoopOf(BrokerAppFactory factory) =>
        factory.Services.GetServices<IHostedService>().OfType<ReconcileLoop>().Single();

    /// <summary>A host agent's Connect stream to one broker instance.</summary>
    private sealed class InstanceAgent(GrpcChannel channel, AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> call) : IDisposable
    {
        public static async Task<InstanceAgent> ConnectAsync(BrokerAppFactory instance, string credential, CancellationToken cancellationToken)
        {
            var channel = GrpcChannel.ForAddress(instance.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = instance.Server.CreateHandler() });
            var call = new AgentGateway.AgentGatewayClient(channel).Connect(AgentWorld.Bearer(credential), cancellationToken: cancellationToken);
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { CapabilityVersion = Contracts.ContractVersion.Capability, AgentVersion = "test-agent" } }, cancellationToken);
            (await AgentWorld.NextAsync(call, cancellationToken)).BodyCase.ShouldBe(BrokerMessage.BodyOneofCase.Welcome);
            return new InstanceAgent(channel, call);
        }

        public async Task HeartbeatAsync(ulong sequence, bool healthy, CancellationToken cancellationToken)
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Sequence = sequence, HostHeartbeat = new HostHeartbeat { Healthy = healthy } }, cancellationToken);
            var (ack, _) = await AgentWorld.AckAsync(call, sequence, cancellationToken);
            ack.Accepted.ShouldBeTrue(ack.Detail);
        }

        public void Dispose()
        {
            call.Dispose();
            channel.Dispose();
        }
    }
}
