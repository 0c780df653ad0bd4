using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Transfer.Client;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Grpc.Core;

namespace Broker.Transfer.Tests.Client;

/// <summary>
/// One host copying a gold image from another (<see cref="BaseImagePuller"/>) under an image pull
/// ticket: the base travels chunk by chunk and is adopted under its address with its geometry; any
/// ticket that does not cover exactly that base on that host reads nothing.
/// </summary>
public sealed class ImagePullTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PullAsync_ImagePullTicket_AdoptsTheHostsBaseWithItsAddressGeometryAndOneReference()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        var hostBase = scenario.HostLayers.Manifest;

        var image = await scenario.ImagePuller(scenario.ImageTicket(hostBase.BaseAddress)).PullAsync(hostBase.BaseAddress, null, Token);

        image.Address.ShouldBe(hostBase.BaseAddress);
        image.References.ShouldBe(1);
        scenario.ClientBases.Find(hostBase.BaseAddress).ShouldNotBeNull().Path.ShouldBe(image.Path);
        var (copied, copiedGeometry) = await ReadAsync(image.Path);
        var (original, originalGeometry) = await ReadAsync(hostBase.BasePath);
        copied.ShouldBe(original);
        copiedGeometry.ShouldBe(originalGeometry);
        Directory.GetFiles(scenario.ClientWorkDirectory, "base-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task PullAsync_BaseHeldAlready_FetchesNothingAndTakesAReference()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, Token);
        var address = scenario.HostLayers.Manifest.BaseAddress;
        var ticket = scenario.ImageTicket(address);
        _ = await scenario.ImagePuller(ticket).PullAsync(address, null, Token);
        counter.Reset();

        var again = await scenario.ImagePuller(ticket).PullAsync(address, null, Token);

        counter.BaseChunks.ShouldBe(0);
        again.References.ShouldBe(2);
    }

    [Fact]
    public async Task PullAsync_StoppedHalfway_ResumesAndCompletes()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, Token);
        var address = scenario.HostLayers.Manifest.BaseAddress;
        var options = new PullOptions { Streams = 1, RequestsInFlight = 1, CheckpointChunks = 1 };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var stopped = await Record.ExceptionAsync(() => scenario.ImagePuller(scenario.ImageTicket(address), options).PullAsync(address, new CallbackProgress(_ => stop.Cancel()), stop.Token));
        stopped.ShouldNotBeNull();
        scenario.ClientBases.Find(address).ShouldBeNull();
        var first = counter.BaseChunks;
        counter.Reset();

        var image = await scenario.ImagePuller(scenario.ImageTicket(address), options).PullAsync(address, null, Token);

        image.Address.ShouldBe(address);
        var total = (await ReadAsync(scenario.HostLayers.Manifest.BasePath)).Content.Chunk(ChunkLayout.MaxChunkLength).Count(chunk => chunk.AsSpan().ContainsAnyExcept((byte)0));
        first.ShouldBeGreaterThan(0);
        counter.BaseChunks.ShouldBeLessThan(total, "the resumed pull fetches only what the first one had not made durable");
    }

    [Fact]
    public async Task PullAsync_TicketsThatDoNotCoverTheBaseOnThisHost_RefusedAndNothingKept()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        var address = scenario.HostLayers.Manifest.BaseAddress;
        var otherAddress = new string('a', 64);

        (await RefusalAsync(scenario, scenario.ImageTicket(otherAddress), address)).ShouldBe(StatusCode.PermissionDenied);
        (await RefusalAsync(scenario, scenario.ImageTicket(address, hostId: "host-9"), address)).ShouldBe(StatusCode.PermissionDenied);
        (await RefusalAsync(scenario, scenario.Ticket(TransferDirection.Pull), address)).ShouldBe(StatusCode.PermissionDenied);
        (await RefusalAsync(scenario, scenario.ImageTicket(address, issuedAt: TimeProvider.System.GetUtcNow().AddHours(-2)), address)).ShouldBe(StatusCode.Unauthenticated);
        (await RefusalAsync(scenario, scenario.ImageTicket(otherAddress), otherAddress)).ShouldBe(StatusCode.NotFound);

        scenario.ClientBases.Images.ShouldBeEmpty();
        Directory.GetFiles(scenario.ClientBaseDirectory, "*.vhdx").ShouldBeEmpty();
    }

    [Fact]
    public async Task ImagePullTicket_UsedForTheDesktopOrItsLayers_PermissionDenied()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        var ticket = scenario.ImageTicket(scenario.HostLayers.Manifest.BaseAddress);
        var asDesktop = scenario.Client(TransferDirection.Pull, ticket);

        var chain = await Should.ThrowAsync<RpcException>(() => asDesktop.GetChainManifestAsync(Token));
        var layer = await Should.ThrowAsync<RpcException>(() => TransferClient.ForImage(scenario.Host.Invoker, ticket).GetLayerManifestAsync(new GetLayerManifestRequest { LayerId = "1" }, null, Token));
        var chunks = await Should.ThrowAsync<RpcException>(() => PullOneLayerChunkAsync(scenario, ticket));

        chain.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        layer.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        chunks.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    private static async Task<StatusCode> RefusalAsync(TransferScenario scenario, SignedTicket ticket, string address)
    {
        var failure = await Should.ThrowAsync<RpcException>(() => scenario.ImagePuller(ticket).PullAsync(address, null, Token));
        return failure.StatusCode;
    }

    /// <summary>A PullChunks call with no desktop asking for a layer's chunk.</summary>
    private static async Task PullOneLayerChunkAsync(TransferScenario scenario, SignedTicket ticket)
    {
        var client = new DiskTransfer.DiskTransferClient(scenario.Host.Invoker);
        var headers = new Metadata { { Contracts.Tickets.TicketEncoding.MetadataKey, Contracts.Tickets.TicketEncoding.Encode(ticket) } };
        using var call = client.PullChunks(headers, cancellationToken: Token);
        await call.RequestStream.WriteAsync(new ChunkRequest { LayerId = "1", Offset = 0, Length = 512 }, Token);
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(Token))
        {
        }
    }

    private static async Task<(byte[] Content, (long Size, int Logical, int Physical) Geometry)> ReadAsync(string path)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, VhdxOpenOptions.ReadOnlyDefault, Token);
        var content = new byte[file.VirtualSize];
        await file.ReadAsync(0, content, Token);
        return (content, (file.VirtualSize, file.LogicalSectorSize, file.PhysicalSectorSize));
    }
}
