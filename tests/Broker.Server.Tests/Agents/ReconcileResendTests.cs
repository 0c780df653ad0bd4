using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

/// <summary>
/// The reconcile loop over real streams: orders a transition issued but the agent never carried out
/// are sent again from what the agent reports, and an order already on its way is not sent twice.
/// </summary>
public sealed class ReconcileResendTests(PostgresCluster cluster)
{
    /// <summary>The base of <see cref="ApiWorld"/>'s image, registered by address.</summary>
    private static readonly string WorldImageAddress = "sha256:" + new string('b', 64);

    [Theory]
    [InlineData(AgentCommandKind.ResetToImage, DesktopReportKind.ResetCompleted)]
    [InlineData(AgentCommandKind.RollBackToSnapshot, DesktopReportKind.RollbackCompleted)]
    public async Task LostResetOrRestore_IsSentAgainUntilTheHostReportsItDone(AgentCommandKind order, DesktopReportKind done)
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var before = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        DesktopEvent @event = order == AgentCommandKind.ResetToImage
            ? new Released(before.Epoch, before.Image)
            : new RollbackRequested(before.Epoch, LayerId.New());
        var owed = await SaveAsync(world, before, @event, cancellationToken); // saved while the host was away: the order went nowhere

        var host = await world.StreamAsync(CoreAgentKind.Host, before.Host.Value, cancellationToken);
        using var hostStream = host.Call;
        var observed = new ObservedDesktop { DesktopId = assigned.Id.ToString(), Epoch = (ulong)before.Epoch.Value };
        (await host.SendAsync(new AgentMessage { HostHeartbeat = new HostHeartbeat { Healthy = true, Desktops = { observed } } }, cancellationToken)).Accepted.ShouldBeTrue();
        var sent = await host.CommandAsync(order, cancellationToken);
        (await host.ReportAsync(assigned.Id, sent.Epoch, done, string.Empty, cancellationToken)).Accepted.ShouldBeTrue();

        sent.Epoch.ShouldBe((ulong)owed.Epoch.Value);
        sent.DesktopId.ShouldBe(assigned.Id.ToString());
        sent.ContentAddress.ShouldBe(order == AgentCommandKind.ResetToImage ? WorldImageAddress : string.Empty, "a reset names the image's base, a restore no image");
        var after = await world.DesktopAsync(owed.Id, cancellationToken);
        after.State.ShouldBe(DesktopState.Available);
        after.Epoch.ShouldBe(owed.Epoch);
    }

    [Fact]
    public async Task ProvisionedDesktopWhoseCompletionWasLost_IsOrderedAgain_AndTheRepeatedReportMakesItAvailable()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var before = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        before.State.ShouldBe(DesktopState.Provisioning);

        // The host built the desktop and reports holding it; its ProvisioningCompleted never arrived.
        var host = await world.StreamAsync(CoreAgentKind.Host, before.Host.Value, cancellationToken);
        using var hostStream = host.Call;
        var observed = new ObservedDesktop { DesktopId = assigned.Id.ToString(), Epoch = (ulong)before.Epoch.Value };
        (await host.SendAsync(new AgentMessage { HostHeartbeat = new HostHeartbeat { Healthy = true, Desktops = { observed } } }, cancellationToken)).Accepted.ShouldBeTrue();
        var sent = await host.CommandAsync(AgentCommandKind.ProvisionDesktop, assigned.Id, cancellationToken);
        (await host.ReportAsync(assigned.Id, sent.Epoch, DesktopReportKind.ProvisioningCompleted, string.Empty, cancellationToken)).Accepted.ShouldBeTrue();

        sent.ContentAddress.ShouldBe(WorldImageAddress, "the host may hold the base under no image id");
        (await world.DesktopAsync(before.Id, cancellationToken)).State.ShouldBe(DesktopState.Available);
    }

    [Fact]
    public async Task ReportThatMeetsAConcurrentChangeOfTheDesktop_IsAppliedToTheDesktopAsItNowIs()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        var race = new RacedDesktopStore.Race(DesktopState.Provisioning);
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken, services => RacedDesktopStore.Register(services, race));
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var before = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        var host = await world.StreamAsync(CoreAgentKind.Host, before.Host.Value, cancellationToken);
        using var hostStream = host.Call;

        race.Arm();
        var ack = await host.ReportAsync(assigned.Id, (ulong)before.Epoch.Value, DesktopReportKind.ProvisioningCompleted, string.Empty, cancellationToken);

        race.Fired.ShouldBeTrue("another save of the desktop came between the report's read and its save");
        ack.Accepted.ShouldBeTrue(ack.ToString());
        (await world.DesktopAsync(before.Id, cancellationToken)).State.ShouldBe(DesktopState.Available);
    }

    [Fact]
    public async Task StartSavedWhileTheHostWasAway_IsOrderedOnceItReports_AndForgottenOnceCarriedOut()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var before = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        var owed = await SaveAsync(world, before, new StartRequested(before.Epoch, Core.Pools.RetentionPolicy.Default), cancellationToken); // the order went nowhere
        var host = await world.StreamAsync(CoreAgentKind.Host, before.Host.Value, cancellationToken);
        using var hostStream = host.Call;
        var stopped = new AgentMessage
        {
            HostHeartbeat = new HostHeartbeat { Healthy = true, Desktops = { new ObservedDesktop { DesktopId = assigned.Id.ToString(), Epoch = (ulong)before.Epoch.Value } } },
        };

        (await host.SendAsync(stopped, cancellationToken)).Accepted.ShouldBeTrue();
        var start = await host.CommandAsync(AgentCommandKind.StartDesktop, assigned.Id, cancellationToken);
        await ReconcileLoopOf(world).RunRoundAsync(cancellationToken); // from the same heartbeat: the start is on its way
        var whileOnItsWay = await CommandsBeforeAckAsync(host, assigned.Id, (ulong)before.Epoch.Value + 1, cancellationToken);

        // The guest boots and powers itself off before any heartbeat shows it running.
        (await host.SendAsync(new AgentMessage { CommandResult = new CommandResult { CommandId = start.CommandId, Succeeded = true } }, cancellationToken)).Accepted.ShouldBeTrue();
        var afterResult = await world.DesktopAsync(owed.Id, cancellationToken);
        (await host.SendAsync(stopped.Clone(), cancellationToken)).Accepted.ShouldBeTrue();
        await ReconcileLoopOf(world).RunRoundAsync(cancellationToken);
        var afterGuestOff = await CommandsBeforeAckAsync(host, assigned.Id, (ulong)before.Epoch.Value + 1, cancellationToken);

        owed.PowerRequested.ShouldBe(true);
        start.Epoch.ShouldBe((ulong)before.Epoch.Value);
        whileOnItsWay.ShouldNotContain(command => command.Kind == AgentCommandKind.StartDesktop, "a start on its way is not sent twice");
        afterResult.PowerRequested.ShouldBeNull("the host carried the start out");
        afterGuestOff.ShouldNotContain(command => command.Kind == AgentCommandKind.StartDesktop, "a guest that shut itself down stays off");
    }

    [Fact]
    public async Task GrantAndAcceptDevicePushes_GoOutOnceUntilTheAgentsReportAgain_ThenAgainWhileStillMissing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.Api.CompleteProvisioningAsync(cancellationToken);
        var assigned = await world.Api.AliceDesktopAsync(cancellationToken);
        var before = await world.DesktopAsync(new DesktopId(assigned.Id), cancellationToken);
        var transferring = await SaveAsync(
            world,
            before,
            [new CheckOutRequested(before.Epoch, world.Api.AliceDevice), new CheckOutAdmitted(before.Epoch), new ServerCopyPrepared(before.Epoch, LayerId.New())],
            cancellationToken);
        var pullEpoch = (ulong)transferring.Epoch.Value;
        var host = await world.StreamAsync(CoreAgentKind.Host, before.Host.Value, cancellationToken);
        using var hostStream = host.Call;
        var laptop = await world.StreamAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken);
        using var laptopStream = laptop.Call;
        var hostHeartbeat = new AgentMessage
        {
            HostHeartbeat = new HostHeartbeat { Healthy = true, Desktops = { new ObservedDesktop { DesktopId = assigned.Id.ToString(), Epoch = pullEpoch, Locked = true } } },
        };
        var deviceHeartbeat = new AgentMessage { DeviceHeartbeat = new DeviceHeartbeat { Copies = { new LocalCopy { DesktopId = assigned.Id.ToString(), Epoch = pullEpoch } } } };
        (await host.SendAsync(hostHeartbeat, cancellationToken)).Accepted.ShouldBeTrue();
        (await laptop.SendAsync(deviceHeartbeat, cancellationToken)).Accepted.ShouldBeTrue();

        // The transition sends both orders; a reconcile round from the heartbeats that predate them sends neither again.
        (await laptop.ReportAsync(assigned.Id, pullEpoch, DesktopReportKind.TransferCompleted, string.Empty, cancellationToken)).Accepted.ShouldBeTrue();
        var grant = await laptop.CommandAsync(AgentCommandKind.GrantLease, cancellationToken);
        var accept = await host.CommandAsync(AgentCommandKind.AcceptDevicePushes, cancellationToken);
        await ReconcileLoopOf(world).RunRoundAsync(cancellationToken);
        var toLaptop = await CommandsBeforeAckAsync(laptop, assigned.Id, pullEpoch + 1, cancellationToken);
        var toHost = await CommandsBeforeAckAsync(host, assigned.Id, pullEpoch + 1, cancellationToken);

        // Heartbeats that still show the old epoch: the orders were lost, so they go out again.
        (await host.SendAsync(hostHeartbeat.Clone(), cancellationToken)).Accepted.ShouldBeTrue();
        (await laptop.SendAsync(deviceHeartbeat.Clone(), cancellationToken)).Accepted.ShouldBeTrue();
        await ReconcileLoopOf(world).RunRoundAsync(cancellationToken);
        var grantAgain = await laptop.CommandAsync(AgentCommandKind.GrantLease, cancellationToken);
        var acceptAgain = await host.CommandAsync(AgentCommandKind.AcceptDevicePushes, cancellationToken);

        grant.Epoch.ShouldBe(pullEpoch + 1);
        accept.Epoch.ShouldBe(pullEpoch + 1);
        toLaptop.ShouldNotContain(command => command.Kind == AgentCommandKind.GrantLease);
        toHost.ShouldNotContain(command => command.Kind == AgentCommandKind.AcceptDevicePushes);
        grantAgain.Epoch.ShouldBe(pullEpoch + 1);
        acceptAgain.Epoch.ShouldBe(pullEpoch + 1);
    }

    /// <summary>The commands that reach <paramref name="agent"/> before the ack of a report that changes no plan (a stale progress report).</summary>
    private static async Task<List<Contracts.V1.AgentCommand>> CommandsBeforeAckAsync(AgentStream agent, Guid desktop, ulong epoch, CancellationToken cancellationToken)
    {
        var probe = new AgentMessage { Sequence = 1_000_000, DesktopReport = new DesktopReport { DesktopId = desktop.ToString(), Epoch = epoch, Kind = DesktopReportKind.ProvisioningCompleted } };
        await agent.Call.RequestStream.WriteAsync(probe, cancellationToken);
        var (_, commands) = await AgentWorld.AckAsync(agent.Call, probe.Sequence, cancellationToken);
        return commands;
    }

    private static Task<Desktop> SaveAsync(AgentWorld world, Desktop desktop, DesktopEvent @event, CancellationToken cancellationToken) =>
        SaveAsync(world, desktop, [@event], cancellationToken);

    /// <summary>Applies <paramref name="events"/> and stores the outcome directly, sending nothing (as if every order was lost).</summary>
    private static async Task<Desktop> SaveAsync(AgentWorld world, Desktop desktop, DesktopEvent[] events, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDesktopStore>();
        foreach (var @event in events)
        {
            var result = DesktopStateMachine.Apply(desktop, @event);
            result.IsAccepted.ShouldBeTrue();
            var saved = await store.UpdateAsync(result.Desktop, cancellationToken);
            saved.Outcome.ShouldBe(WriteOutcome.Saved);
            desktop = result.Desktop with { Version = saved.Version };
        }

        return desktop;
    }

    private static ReconcileLoop ReconcileLoopOf(AgentWorld world) =>
        world.Api.Factory.Services.GetServices<IHostedService>().OfType<ReconcileLoop>().Single();

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        return timeout;
    }
}
