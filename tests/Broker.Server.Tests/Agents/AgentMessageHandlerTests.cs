using Broker.Contracts.V1;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

/// <summary>Which agent messages ask for a reconcile round: only those that can change the plan.</summary>
public sealed class AgentMessageHandlerTests(PostgresCluster cluster)
{
    [Fact]
    public async Task HostMessages_OnlyThoseThatDifferFromThePreviousHeartbeat_ChangeThePlan()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var host = await HostHandler.CreateAsync(cluster, cancellationToken);
        var handler = host.Handler;
        var desktop = Guid.NewGuid().ToString();

        var first = await HandleAsync(handler, Heartbeat(healthy: true, desktop, running: false), cancellationToken);
        var repeated = await HandleAsync(handler, Heartbeat(healthy: true, desktop, running: false), cancellationToken);
        var desktopStarted = await HandleAsync(handler, Heartbeat(healthy: true, desktop, running: true), cancellationToken);
        var repeatedAgain = await HandleAsync(handler, Heartbeat(healthy: true, desktop, running: true), cancellationToken);
        var unhealthy = await HandleAsync(handler, Heartbeat(healthy: false, desktop, running: true), cancellationToken);
        var result = await HandleAsync(handler, new AgentMessage { CommandResult = new CommandResult() }, cancellationToken);
        var hello = await HandleAsync(handler, new AgentMessage { Hello = new Hello() }, cancellationToken);

        new[] { first, repeated, desktopStarted, repeatedAgain, unhealthy, result, hello }.ShouldBe([true, false, true, false, true, true, false]);
    }

    [Fact]
    public async Task DeviceHeartbeats_OnlyThoseWithDifferentCopies_ChangeThePlan()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var agent = new AgentIdentity(CoreAgentKind.Device, world.Api.AliceDevice.Value);
        using var session = new AgentSession(agent);
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var handler = new AgentMessageHandler(agent, session, scope.ServiceProvider, TimeProvider.System);
        var copy = new LocalCopy { DesktopId = Guid.NewGuid().ToString(), Epoch = 2 };

        var first = await HandleAsync(handler, new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat() }, cancellationToken);
        var repeated = await HandleAsync(handler, new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat() }, cancellationToken);
        var pulling = await HandleAsync(handler, new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat { Copies = { copy } } }, cancellationToken);
        var stillPulling = await HandleAsync(handler, new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat { Copies = { copy } } }, cancellationToken);

        new[] { first, repeated, pulling, stillPulling }.ShouldBe([true, false, true, false]);
    }

    [Fact]
    public async Task HostHeartbeat_ServingADeviceThatIsNoUuid_IsRefusedAsMalformed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var host = await HostHandler.CreateAsync(cluster, cancellationToken);
        var handler = host.Handler;
        var message = Heartbeat(healthy: true, Guid.NewGuid().ToString(), running: false);
        message.HostHeartbeat.Desktops[0].ServingDevice = "alice-laptop";

        var handled = await handler.HandleAsync(message, cancellationToken);

        handled.Ack.Accepted.ShouldBeFalse();
        handled.Ack.Reason.ShouldBe("Malformed");
        host.Session.HostReport.ShouldBeNull();
    }

    private static AgentMessage Heartbeat(bool healthy, string desktop, bool running) => new()
    {
        HostHeartbeat = new HostHeartbeat { Healthy = healthy, Desktops = { new ObservedDesktop { DesktopId = desktop, Epoch = 1, Running = running } } },
    };

    /// <summary>The handler of the first host's messages on a fresh broker, with its session.</summary>
    private sealed class HostHandler : IAsyncDisposable
    {
        private readonly AgentWorld _world;
        private readonly AsyncServiceScope _scope;

        private HostHandler(AgentWorld world, AgentIdentity agent)
        {
            _world = world;
            _scope = world.Api.Factory.Services.CreateAsyncScope();
            Session = new AgentSession(agent);
            Handler = new AgentMessageHandler(agent, Session, _scope.ServiceProvider, TimeProvider.System);
        }

        public AgentSession Session { get; }

        public AgentMessageHandler Handler { get; }

        public static async Task<HostHandler> CreateAsync(PostgresCluster cluster, CancellationToken cancellationToken)
        {
            var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
            var host = await world.FirstHostAsync(cancellationToken);
            return new HostHandler(world, new AgentIdentity(CoreAgentKind.Host, host.Value));
        }

        public async ValueTask DisposeAsync()
        {
            Session.Dispose();
            await _scope.DisposeAsync();
            await _world.DisposeAsync();
        }
    }

    private static async Task<bool> HandleAsync(AgentMessageHandler handler, AgentMessage message, CancellationToken cancellationToken)
    {
        var handled = await handler.HandleAsync(message, cancellationToken);
        handled.Ack.Accepted.ShouldBeTrue(handled.Ack.Detail);
        return handled.ChangesPlan;
    }
}
