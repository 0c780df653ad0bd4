using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Testing.Databases;
using Grpc.Core;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Agents;

public sealed class TransferTicketTests(PostgresCluster cluster)
{
    [Fact]
    public async Task IssueTransferTicket_ToTheDeviceHoldingTheDesktop_VerifiesOnItsHost()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var alice = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));

        var issued = await world.Gateway.IssueTransferTicketAsync(
            new IssueTransferTicketRequest { DesktopId = desktop.Id.ToString(), Direction = TransferDirection.Push, Epoch = (ulong)desktop.Epoch.Value },
            alice,
            cancellationToken: cancellationToken);

        issued.HostId.ShouldBe(desktop.Host.ToString());
        using var verifier = await VerifierAsync(world, cancellationToken);
        var expected = new TicketExpectation
        {
            HostId = desktop.Host.ToString(),
            DesktopId = desktop.Id.ToString(),
            DeviceId = world.Api.AliceDevice.ToString(),
            Direction = TransferDirection.Push,
            Epoch = (ulong)desktop.Epoch.Value,
        };
        verifier.Verify(TicketEncoding.Encode(issued.Ticket), expected).IsValid.ShouldBeTrue();
        verifier.Verify(TicketEncoding.Encode(issued.Ticket), expected with { Epoch = (ulong)desktop.Epoch.Value + 1 })
            .ShouldBeOfType<TicketVerification.PermissionDenied>().Reason.ShouldBe(TicketRejectionReason.EpochMismatch);
    }

    [Fact]
    public async Task IssueTransferTicket_ToAnyoneElseOrForAStaleEpoch_IsRefused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var alice = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        var bob = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.BobDevice.Value, cancellationToken));
        var host = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Host, desktop.Host.Value, cancellationToken));
        var request = new IssueTransferTicketRequest { DesktopId = desktop.Id.ToString(), Direction = TransferDirection.Pull, Epoch = (ulong)desktop.Epoch.Value };

        var byBob = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueTransferTicketAsync(request, bob, cancellationToken: cancellationToken).ResponseAsync);
        var byHost = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueTransferTicketAsync(request, host, cancellationToken: cancellationToken).ResponseAsync);
        var stale = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueTransferTicketAsync(
            new IssueTransferTicketRequest(request) { Epoch = (ulong)desktop.Epoch.Value - 1 }, alice, cancellationToken: cancellationToken).ResponseAsync);
        var unknown = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueTransferTicketAsync(
            new IssueTransferTicketRequest(request) { DesktopId = Guid.NewGuid().ToString() }, alice, cancellationToken: cancellationToken).ResponseAsync);

        byBob.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        byHost.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        stale.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        stale.Trailers.GetValue(AgentRefusal.ReasonTrailer).ShouldBe(nameof(StaleEpoch));
        unknown.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task RenewLease_ByTheHolder_ExtendsTheStoredLeaseAndReturnsItSigned()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var alice = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));

        var renewed = await world.Gateway.RenewLeaseAsync(
            new RenewLeaseRequest { DesktopId = desktop.Id.ToString(), Epoch = (ulong)desktop.Epoch.Value }, alice, cancellationToken: cancellationToken);

        var lease = OfflineLease.Parser.ParseFrom(renewed.Lease.Lease);
        lease.DeviceId.ShouldBe(world.Api.AliceDevice.ToString());
        lease.Epoch.ShouldBe((ulong)desktop.Epoch.Value);
        var stored = await world.DesktopAsync(desktop.Id, cancellationToken);
        stored.Lease!.ExpiresAt.ShouldBe(lease.ExpiresAt.ToDateTimeOffset());
        stored.Lease.ExpiresAt.ShouldBeGreaterThanOrEqualTo(desktop.Lease!.ExpiresAt);
        using var key = TicketKeys.ImportPrivateKeyPem(await File.ReadAllTextAsync(Path.Combine(world.Api.Site.DataDirectory, SigningKey.FileName), cancellationToken));
        BrokerSignatures.Verify(key, BrokerSignatures.LeaseContext, renewed.Lease.Lease.Span, renewed.Lease.Signature.Span).ShouldBeTrue();
        renewed.Lease.KeyId.ToByteArray().ShouldBe(TicketKeys.GetKeyId(key));

        // The same key signs tickets, but a lease presented as a ticket fails at the signature.
        using var verifier = await VerifierAsync(world, cancellationToken);
        var asTicket = new SignedTicket { Ticket = renewed.Lease.Lease, Signature = renewed.Lease.Signature, KeyId = renewed.Lease.KeyId };
        var expectation = new TicketExpectation
        {
            HostId = desktop.Host.ToString(),
            DesktopId = desktop.Id.ToString(),
            DeviceId = world.Api.AliceDevice.ToString(),
            Direction = TransferDirection.Push,
            Epoch = (ulong)desktop.Epoch.Value,
        };
        verifier.Verify(asTicket, expectation).ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.BadSignature);
    }

    private static async Task<TicketVerifier> VerifierAsync(AgentWorld world, CancellationToken cancellationToken)
    {
        var token = await world.CreateEnrollmentTokenAsync("verifier", cancellationToken);
        var enrolled = await world.Gateway.EnrollAsync(new EnrollRequest { Kind = Contracts.V1.AgentKind.Host, EnrollmentToken = token.Token }, cancellationToken: cancellationToken);
        using var publicKey = TicketKeys.ImportPublicKeyPem(enrolled.SigningPublicKeyPem);
        return new TicketVerifier([publicKey], TimeProvider.System);
    }
}
