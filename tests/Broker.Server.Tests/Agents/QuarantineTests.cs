using System.Net;
using Broker.Contracts.V1;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Quarantine;
using Broker.Persistence;
using Broker.Server.Api.Desktops;
using Broker.Testing.Databases;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;
using CoreQuarantinedLayer = Broker.Core.Quarantine.QuarantinedLayer;
using WireQuarantinedLayer = Broker.Contracts.V1.QuarantinedLayer;

namespace Broker.Server.Tests.Agents;

/// <summary>
/// Revoke and quarantine over the real streams and REST: the revoked device may push its late layer
/// (and only it, only at the revoked epoch), the host's quarantine report is listed without moving
/// the desktop, and an admin's promotion reaches the host, again after the host was away.
/// </summary>
public sealed class QuarantineTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Revoke_LatePushQuarantinedAndPromoted_ReachesTheHostWithoutMovingTheDesktop(DatabaseProvider provider)
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(provider, cluster, cancellationToken);
        var checkedOut = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var heldEpoch = (ulong)checkedOut.Epoch.Value;
        var alice = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        var bob = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.BobDevice.Value, cancellationToken));
        var hostCredential = await world.SeedCredentialAsync(CoreAgentKind.Host, checkedOut.Host.Value, cancellationToken);

        using (var revoke = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/desktops/{checkedOut.Id}/revoke", UriKind.Relative), null, cancellationToken))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var revoked = await world.DesktopAsync(checkedOut.Id, cancellationToken);
        revoked.LastRevocation.ShouldBe(new Revocation(world.Api.AliceDevice, checkedOut.Epoch));

        // The revoked device gets a short push ticket at exactly the epoch it lost; nothing else is issued.
        var push = new IssueTransferTicketRequest { DesktopId = checkedOut.Id.ToString(), Direction = TransferDirection.Push, Epoch = heldEpoch };
        var late = (await world.Gateway.IssueTransferTicketAsync(push, alice, cancellationToken: cancellationToken)).Ticket;
        var ticket = Ticket.Parser.ParseFrom(late.Ticket);
        ticket.Epoch.ShouldBe(heldEpoch);
        ticket.Direction.ShouldBe(TransferDirection.Push);
        ticket.DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        (ticket.ExpiresAt.ToDateTimeOffset() - ticket.IssuedAt.ToDateTimeOffset()).ShouldBe(TimeSpan.FromHours(1));
        var byBob = await RefusedAsync(world.Gateway.IssueTransferTicketAsync(push, bob, cancellationToken: cancellationToken));
        var olderEpoch = await RefusedAsync(world.Gateway.IssueTransferTicketAsync(new IssueTransferTicketRequest(push) { Epoch = heldEpoch - 1 }, alice, cancellationToken: cancellationToken));
        var currentEpoch = await RefusedAsync(world.Gateway.IssueTransferTicketAsync(new IssueTransferTicketRequest(push) { Epoch = heldEpoch + 1 }, alice, cancellationToken: cancellationToken));
        var pull = await RefusedAsync(world.Gateway.IssueTransferTicketAsync(new IssueTransferTicketRequest(push) { Direction = TransferDirection.Pull }, alice, cancellationToken: cancellationToken));
        byBob.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        olderEpoch.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        currentEpoch.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        pull.StatusCode.ShouldBe(StatusCode.PermissionDenied);

        // The host reports what it kept (twice: a repeat is a no-op); the desktop does not move.
        var layer = Guid.NewGuid();
        var host = new AgentStream(await world.ConnectAsync(hostCredential, cancellationToken));
        using (host.Call)
        {
            var report = QuarantineReport(revoked, layer, heldEpoch, world);
            (await host.SendAsync(report, cancellationToken)).Accepted.ShouldBeTrue();
            (await host.SendAsync(report.Clone(), cancellationToken)).Accepted.ShouldBeTrue();
        }

        var listed = (await ListAsync(world, revoked.Id, cancellationToken)).ShouldHaveSingleItem();
        listed.LayerId.ShouldBe(layer);
        listed.DeviceId.ShouldBe(world.Api.AliceDevice.Value);
        listed.RevokedEpoch.ShouldBe((long)heldEpoch);
        listed.SizeBytes.ShouldBe(4L << 20);
        listed.Promoted.ShouldBeFalse();
        (await world.DesktopAsync(revoked.Id, cancellationToken)).ShouldBe(revoked);

        // Promoted while the host is away; when it connects again the reconcile loop sends the order.
        using (var promote = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/desktops/{revoked.Id}/quarantine/{layer}/promote", UriKind.Relative), null, cancellationToken))
        {
            promote.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ApiWorld.ReadAsync<QuarantinedLayerResponse>(promote, cancellationToken)).PromoteRequestedAt.ShouldNotBeNull();
        }

        var back = new AgentStream(await world.ConnectAsync(hostCredential, cancellationToken));
        using (back.Call)
        {
            var heartbeat = new HostHeartbeat { Healthy = true };
            heartbeat.Desktops.Add(new Contracts.V1.ObservedDesktop { DesktopId = revoked.Id.ToString(), Epoch = (ulong)revoked.Epoch.Value });
            (await back.SendAsync(new AgentMessage { HostHeartbeat = heartbeat }, cancellationToken)).Accepted.ShouldBeTrue();
            var order = await back.CommandAsync(AgentCommandKind.PromoteQuarantinedLayer, cancellationToken);
            order.LayerId.ShouldBe(layer.ToString());
            order.Epoch.ShouldBe((ulong)revoked.Epoch.Value);
            (await back.ReportAsync(revoked.Id.Value, order.Epoch, DesktopReportKind.QuarantinePromoted, order.LayerId, cancellationToken)).Accepted.ShouldBeTrue();
        }

        (await ListAsync(world, revoked.Id, cancellationToken)).ShouldHaveSingleItem().Promoted.ShouldBeTrue();
        (await world.DesktopAsync(revoked.Id, cancellationToken)).ShouldBe(revoked);
        var audited = await AuditActionsAsync(world, revoked.Id, cancellationToken);
        audited.ShouldContain("desktop.layer-quarantined");
        audited.Count(action => action == "desktop.late-push-ticket").ShouldBe(1); // the refused requests issued none
        audited.ShouldContain("desktop.quarantine-promote-requested");
        audited.ShouldContain("desktop.quarantine-promoted");
        audited.Count(action => action == "desktop.layer-quarantined").ShouldBe(1);
    }

    [Fact]
    public async Task Promote_WhileTheDesktopIsCheckedOut_Is409AndChangesNothing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var layer = LayerId.New();
        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IQuarantineStore>().RecordAsync(
                new CoreQuarantinedLayer
                {
                    Desktop = desktop.Id,
                    Layer = layer,
                    RevokedEpoch = new Epoch(1),
                    Device = world.Api.AliceDevice,
                    ReceivedAt = DateTimeOffset.UnixEpoch,
                },
                cancellationToken);
        }

        var before = await world.Api.FingerprintAsync(cancellationToken);

        using var promote = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/quarantine/{layer}/promote", UriKind.Relative), null, cancellationToken);

        promote.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await promote.Content.ReadAsStringAsync(cancellationToken)).ShouldContain("DesktopBusy");
        (await ListAsync(world, desktop.Id, cancellationToken)).ShouldHaveSingleItem().PromoteRequestedAt.ShouldBeNull();
        (await world.Api.FingerprintAsync(cancellationToken)).ShouldBe(before);
    }

    [Fact]
    public async Task LayerQuarantined_FromAnotherHostOrUnderTheCurrentEpoch_IsRefusedAndStoresNothing()
    {
        using var timeout = Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var stranger = await world.StreamAsync(CoreAgentKind.Host, Guid.NewGuid(), cancellationToken);
        using var strangerCall = stranger.Call;
        var owner = await world.StreamAsync(CoreAgentKind.Host, desktop.Host.Value, cancellationToken);
        using var ownerCall = owner.Call;

        var fromStranger = await stranger.SendAsync(QuarantineReport(desktop, Guid.NewGuid(), (ulong)desktop.Epoch.Value - 1, world), cancellationToken);
        var current = await owner.SendAsync(QuarantineReport(desktop, Guid.NewGuid(), (ulong)desktop.Epoch.Value, world), cancellationToken);
        var empty = await owner.SendAsync(
            new AgentMessage { DesktopReport = new DesktopReport { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value, Kind = DesktopReportKind.LayerQuarantined } },
            cancellationToken);

        fromStranger.Reason.ShouldBe("PermissionDenied");
        current.Reason.ShouldBe(nameof(StaleEpoch));
        empty.Reason.ShouldBe("Malformed");
        (await ListAsync(world, desktop.Id, cancellationToken)).ShouldBeEmpty();
        (await world.DesktopAsync(desktop.Id, cancellationToken)).ShouldBe(desktop);
    }

    private static AgentMessage QuarantineReport(Desktop desktop, Guid layer, ulong revokedEpoch, AgentWorld world) => new()
    {
        DesktopReport = new DesktopReport
        {
            DesktopId = desktop.Id.ToString(),
            Epoch = (ulong)desktop.Epoch.Value,
            Kind = DesktopReportKind.LayerQuarantined,
            LayerId = layer.ToString(),
            Quarantined = new WireQuarantinedLayer
            {
                LayerId = layer.ToString(),
                ParentLayerId = Guid.NewGuid().ToString(),
                RevokedEpoch = revokedEpoch,
                DeviceId = world.Api.AliceDevice.ToString(),
                SizeBytes = 4 << 20,
                ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddDays(20_000)),
            },
        },
    };

    private static async Task<List<QuarantinedLayerResponse>> ListAsync(AgentWorld world, DesktopId desktop, CancellationToken cancellationToken)
    {
        using var response = await world.Api.Admin.GetAsync(new Uri($"/api/v1/admin/desktops/{desktop}/quarantine", UriKind.Relative), cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ApiWorld.ReadAsync<List<QuarantinedLayerResponse>>(response, cancellationToken);
    }

    private static async Task<List<string>> AuditActionsAsync(AgentWorld world, DesktopId desktop, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Target: $"desktop:{desktop}"), cancellationToken);
        return [.. entries.Select(entry => entry.Action)];
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2)); // a lost command fails the test instead of hanging it
        return timeout;
    }

    private static Task<RpcException> RefusedAsync<T>(AsyncUnaryCall<T> call) => Should.ThrowAsync<RpcException>(() => call.ResponseAsync);
}
