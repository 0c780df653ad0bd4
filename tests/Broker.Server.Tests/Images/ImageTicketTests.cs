using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Server.Tests.Agents;
using Broker.Testing.Databases;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Images;

/// <summary>
/// IssueImageTicket over the real gateway: a host that lacks the base of an image registered by
/// address gets an IMAGE_PULL ticket for a host that imported it (healthy and most recently seen
/// first, never an offline one, one without a transfer address, or the asking host itself); the
/// ticket verifies on that source host for exactly the asking host and the base.
/// </summary>
public sealed class ImageTicketTests(PostgresCluster cluster)
{
    /// <summary>The base of <see cref="ApiWorld"/>'s image, registered by address.</summary>
    private static readonly string WorldImageHex = new('b', 64);

    [Fact]
    public async Task IssueImageTicket_WithAHostThatImportedIt_GivesATicketForTheBestSourceThatVerifiesThere()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var image = new ImageId(world.Api.Pool.ImageId);
        var requester = await world.FirstHostAsync(cancellationToken);
        var now = TimeProvider.System.GetUtcNow();
        var source = await AddHostAsync(world, "source", HostHealth.Healthy, now, "https://source.example:5082", cancellationToken);
        var seenEarlier = await AddHostAsync(world, "seen-earlier", HostHealth.Healthy, now.AddMinutes(-30), "https://earlier.example:5082", cancellationToken);
        var unhealthy = await AddHostAsync(world, "unhealthy", HostHealth.Unhealthy, now.AddMinutes(1), "https://unhealthy.example:5082", cancellationToken);
        var offline = await AddHostAsync(world, "offline", HostHealth.Offline, now.AddMinutes(1), "https://offline.example:5082", cancellationToken);
        var noAddress = await AddHostAsync(world, "no-address", HostHealth.Healthy, now.AddMinutes(1), null, cancellationToken);
        await RecordImportedAsync(world, image, [requester, source, seenEarlier, unhealthy, offline, noAddress], cancellationToken);
        var host = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Host, requester.Value, cancellationToken));

        var issued = await world.Gateway.IssueImageTicketAsync(new IssueImageTicketRequest { ImageId = image.ToString() }, host, cancellationToken: cancellationToken);

        (issued.SourceHostId, issued.SourceTransferAddress, issued.BaseContentAddress).ShouldBe((source.ToString(), "https://source.example:5082", WorldImageHex));
        using var verifier = await VerifierAsync(world, cancellationToken);
        var expected = new TicketExpectation
        {
            HostId = source.ToString(),
            DesktopId = string.Empty,
            DeviceId = requester.ToString(),
            Direction = TransferDirection.ImagePull,
            Epoch = 0,
            BaseContentAddress = WorldImageHex,
        };
        var verified = verifier.Verify(TicketEncoding.Encode(issued.Ticket), expected).ShouldBeOfType<TicketVerification.Valid>().Ticket;
        verified.LayerIds.ShouldBeEmpty();
        verifier.Verify(TicketEncoding.Encode(issued.Ticket), expected with { HostId = requester.ToString() }).IsValid.ShouldBeFalse("the asking host is never its own source");
        verifier.Verify(TicketEncoding.Encode(issued.Ticket), expected with { DeviceId = source.ToString() }).IsValid.ShouldBeFalse();
        verifier.Verify(TicketEncoding.Encode(issued.Ticket), expected with { BaseContentAddress = new string('c', 64) }).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task IssueImageTicket_WithNoOtherReachableHostHoldingIt_IsNoImageSource()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var image = new ImageId(world.Api.Pool.ImageId);
        var requester = await world.FirstHostAsync(cancellationToken);
        var offered = await AddHostAsync(world, "offered", HostHealth.Healthy, TimeProvider.System.GetUtcNow(), "https://offered.example:5082", cancellationToken);
        var offline = await AddHostAsync(world, "offline", HostHealth.Offline, TimeProvider.System.GetUtcNow(), "https://offline.example:5082", cancellationToken);
        var host = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Host, requester.Value, cancellationToken));
        var request = new IssueImageTicketRequest { ImageId = image.ToString() };
        var before = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueImageTicketAsync(request, host, cancellationToken: cancellationToken).ResponseAsync);
        await RecordImportedAsync(world, image, [requester, offline], cancellationToken);
        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<IImageImportStore>().MarkOfferedAsync(image, offered, TimeProvider.System.GetUtcNow(), cancellationToken)).ShouldBeTrue();
        }

        var after = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueImageTicketAsync(request, host, cancellationToken: cancellationToken).ResponseAsync);

        foreach (var refused in new[] { before, after })
        {
            refused.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
            refused.Trailers.GetValue(AgentRefusal.ReasonTrailer).ShouldBe("NoImageSource");
        }
    }

    [Fact]
    public async Task IssueImageTicket_ForADeviceAMalformedIdOrAnImageWithoutAKnownBase_IsRefused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var image = new ImageId(world.Api.Pool.ImageId);
        var source = await AddHostAsync(world, "source", HostHealth.Healthy, TimeProvider.System.GetUtcNow(), "https://source.example:5082", cancellationToken);
        await RecordImportedAsync(world, image, [source], cancellationToken);
        var upload = ImageId.New();
        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            var import = new ImageImport { Id = upload, Name = "fedora", Version = "42", FileSizeBytes = 4096, FileSha256 = new string('e', 64), UploadedAt = TimeProvider.System.GetUtcNow() };
            (await scope.ServiceProvider.GetRequiredService<IImageImportStore>().AddAsync(import, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }

        var host = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Host, (await world.FirstHostAsync(cancellationToken)).Value, cancellationToken));
        var device = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        async Task<StatusCode> RefusalAsync(string imageId, Metadata credential) =>
            (await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueImageTicketAsync(new IssueImageTicketRequest { ImageId = imageId }, credential, cancellationToken: cancellationToken).ResponseAsync)).StatusCode;

        (await RefusalAsync(image.ToString(), device)).ShouldBe(StatusCode.PermissionDenied);
        (await RefusalAsync("not-a-uuid", host)).ShouldBe(StatusCode.InvalidArgument);
        (await RefusalAsync(Guid.NewGuid().ToString(), host)).ShouldBe(StatusCode.NotFound);
        (await RefusalAsync(upload.ToString(), host)).ShouldBe(StatusCode.NotFound, "an upload no host imported has no base yet");
        (await world.Gateway.IssueImageTicketAsync(new IssueImageTicketRequest { ImageId = image.ToString() }, host, cancellationToken: cancellationToken)).SourceHostId.ShouldBe(source.ToString());
    }

    private static async Task<HostId> AddHostAsync(AgentWorld world, string name, HostHealth health, DateTimeOffset lastSeen, string? transferAddress, CancellationToken cancellationToken)
    {
        var host = Host.Create(HostId.New(), new HostDraft(name, 4)).Value! with { Health = health, LastSeen = lastSeen, TransferAddress = transferAddress };
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return host.Id;
    }

    private static async Task RecordImportedAsync(AgentWorld world, ImageId image, IEnumerable<HostId> hosts, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var imports = scope.ServiceProvider.GetRequiredService<IImageImportStore>();
        foreach (var host in hosts)
        {
            var state = new ImageImportHost { Image = image, Host = host, State = ImageHostImportState.Imported, UpdatedAt = TimeProvider.System.GetUtcNow() };
            (await imports.RecordAsync(state, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }
    }

    private static async Task<TicketVerifier> VerifierAsync(AgentWorld world, CancellationToken cancellationToken)
    {
        var token = await world.CreateEnrollmentTokenAsync("verifier", cancellationToken);
        var enrolled = await world.Gateway.EnrollAsync(new EnrollRequest { Kind = Contracts.V1.AgentKind.Host, EnrollmentToken = token.Token }, cancellationToken: cancellationToken);
        using var publicKey = TicketKeys.ImportPublicKeyPem(enrolled.SigningPublicKeyPem);
        return new TicketVerifier([publicKey], TimeProvider.System);
    }
}
