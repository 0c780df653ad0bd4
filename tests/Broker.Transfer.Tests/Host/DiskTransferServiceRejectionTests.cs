using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.Transfer;
using Broker.Transfer.Client;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Broker.Transfer.Tests.Host;

public sealed class DiskTransferServiceRejectionTests
{
    [Fact]
    public async Task GetChainManifest_TicketSignedByAnotherKey_Unauthenticated()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var stranger = TicketKeys.CreatePrivateKey();
        var forged = new TicketSigner(stranger).Sign(Ticket.Parser.ParseFrom(scenario.Ticket(TransferDirection.Pull).Ticket));

        var failure = await Should.ThrowAsync<RpcException>(() => scenario.Client(TransferDirection.Pull, forged).GetChainManifestAsync(TestContext.Current.CancellationToken));

        failure.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task GetChainManifest_ExpiredTicket_Unauthenticated()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        var expired = scenario.Ticket(TransferDirection.Pull, issuedAt: TimeProvider.System.GetUtcNow().AddHours(-2), lifetime: TimeSpan.FromMinutes(10));

        var failure = await Should.ThrowAsync<RpcException>(() => scenario.Client(TransferDirection.Pull, expired).GetChainManifestAsync(TestContext.Current.CancellationToken));

        failure.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task PullChunks_PushTicket_PermissionDenied()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        var puller = new ChainPuller(scenario.Client(TransferDirection.Pull, scenario.Ticket(TransferDirection.Push)), scenario.ClientBases, scenario.ClientWorkDirectory);

        var failure = await Should.ThrowAsync<RpcException>(() => puller.PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken));

        failure.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task PushLayer_EpochMovedOn_StaleEpochAndChainUnchanged()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 65536, 31);
        var layer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        var pusher = scenario.Pusher();
        var oldEpoch = scenario.Epoch;
        scenario.SetEpoch(oldEpoch + 1);
        var before = scenario.HostLayers.Manifest;

        var failure = await Should.ThrowAsync<RpcException>(() => pusher.PushAsync(pulled, layer.Id, oldEpoch, null, TestContext.Current.CancellationToken));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.StaleEpoch);
        scenario.HostLayers.Manifest.ShouldBe(before);
        (await pusher.IsAcknowledgedAsync(layer.Id, TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task PushLayer_ValidTicketButHeaderOfAnOldEpoch_StaleEpoch()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 65536, 32);
        var layer = await pulled.SealAsync(TestContext.Current.CancellationToken);

        var failure = await Should.ThrowAsync<RpcException>(() => scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch - 1, null, TestContext.Current.CancellationToken));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.StaleEpoch);
    }

    [Fact]
    public async Task PushLayer_DesktopLeavesTheEpochWhileThePushRuns_StaleEpochAndNothingCommittedOrLeftBehind()
    {
        // A revoke (or any change of authority) lands after the push's header passed the checks
        // and its chunks arrived, just before it commits.
        var cancellationToken = TestContext.Current.CancellationToken;
        var faults = new ChunkFaults();
        await using var scenario = await TransferScenario.CreateAsync(faults, cancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, cancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 2 * 1024 * 1024, 34);
        var layer = await pulled.SealAsync(cancellationToken);
        var before = scenario.HostLayers.Manifest;
        var epoch = scenario.Epoch;
        var pusher = scenario.Pusher();
        faults.BeforePushCommit = () => scenario.SetEpoch(epoch + 1);

        var failure = await Should.ThrowAsync<RpcException>(() => pusher.PushAsync(pulled, layer.Id, epoch, null, cancellationToken));

        scenario.Epoch.ShouldBe(epoch + 1, "the epoch moved during the push");
        failure.Status.Detail.ShouldContain("while the layer was pushed");
        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.StaleEpoch);
        scenario.HostLayers.Manifest.ShouldBe(before);
        scenario.HostLayers.Manifest.Find(layer.Id).ShouldBeNull();
        Directory.GetFiles(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "push-*").ShouldBeEmpty();
        (await pusher.IsAcknowledgedAsync(layer.Id, cancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task PushLayer_ParentIsNotTheHostsNewestLayer_WrongParentAndChainUnchanged()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        var first = pulled.Manifest.CurrentChain()[0];
        _ = await pulled.RestoreAsync(first.Id, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 65536, 33);
        var branch = await pulled.SealAsync(TestContext.Current.CancellationToken);
        var before = scenario.HostLayers.Manifest;

        var failure = await Should.ThrowAsync<RpcException>(() => scenario.Pusher().PushAsync(pulled, branch.Id, scenario.Epoch, null, TestContext.Current.CancellationToken));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.WrongParent);
        scenario.HostLayers.Manifest.ShouldBe(before);
    }

    [Fact]
    public async Task PushLayer_MoreChunksThanDeclared_IntegrityAndChainUnchanged()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 3 * 1024 * 1024, 34);
        var layer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        var manifest = await BuildManifestAsync(pulled, layer);
        var declared = Truncate(manifest, 1);
        var before = scenario.HostLayers.Manifest;

        var failure = await Should.ThrowAsync<RpcException>(() => PushRawAsync(scenario, pulled, layer, declared, manifest.Chunks.Count, corrupt: false));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.Integrity);
        scenario.HostLayers.Manifest.ShouldBe(before);
    }

    [Fact]
    public async Task PushLayer_CorruptedChunk_IntegrityAndChainUnchanged()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 2 * 1024 * 1024, 35);
        var layer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        var manifest = await BuildManifestAsync(pulled, layer);
        var before = scenario.HostLayers.Manifest;

        var failure = await Should.ThrowAsync<RpcException>(() => PushRawAsync(scenario, pulled, layer, manifest, manifest.Chunks.Count, corrupt: true));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.Integrity);
        scenario.HostLayers.Manifest.ShouldBe(before);
    }

    private static async Task<LayerManifest> BuildManifestAsync(LayerStore store, LayerRecord layer)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, TestContext.Current.CancellationToken);
        return await LayerManifest.BuildAsync(file, ChunkHasher.Default, TestContext.Current.CancellationToken);
    }

    private static LayerManifest Truncate(LayerManifest manifest, int count)
    {
        using var hasher = new LayerManifestHasher(manifest.Algorithm);
        var chunks = manifest.Chunks.Take(count).ToList();
        chunks.ForEach(chunk => hasher.Append(chunk.Span, chunk.Hash.Span));
        return new LayerManifest(manifest.Algorithm, chunks, hasher.Finish());
    }

    /// <summary>Pushes a header declaring <paramref name="declared"/>, then <paramref name="send"/> chunks of the real layer (the first one damaged when <paramref name="corrupt"/>).</summary>
    private static async Task PushRawAsync(TransferScenario scenario, LayerStore store, LayerRecord layer, LayerManifest declared, int send, bool corrupt)
    {
        var client = new DiskTransfer.DiskTransferClient(scenario.Host.Invoker);
        var headers = new Metadata { { TicketEncoding.MetadataKey, TicketEncoding.Encode(scenario.Ticket(TransferDirection.Push)) } };
        using var call = client.PushLayer(headers, cancellationToken: TestContext.Current.CancellationToken);
        var header = new PushHeader
        {
            DesktopId = TransferScenario.DesktopId,
            LayerId = LayerIds.Format(layer.Id),
            ParentLayerId = LayerIds.Format(layer.ParentId),
            Epoch = scenario.Epoch,
            CreatedAt = Timestamp.FromDateTimeOffset(layer.CreatedAt),
            SealedAt = Timestamp.FromDateTimeOffset(layer.SealedAt!.Value),
            VirtualSize = (ulong)store.Manifest.VirtualSize,
            LogicalSectorSize = (uint)store.Manifest.LogicalSectorSize,
            HashAlgorithm = HashAlgorithm.Blake3,
            ChunkCount = (ulong)declared.Chunks.Count,
            PresentBytes = (ulong)declared.PresentBytes,
            ManifestHash = ByteString.CopyFrom(declared.Hash.Span),
        };
        header.Chunks.AddRange(declared.ToWire());
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, TestContext.Current.CancellationToken);
        var full = await LayerManifest.BuildAsync(file, ChunkHasher.Default, TestContext.Current.CancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new PushMessage { Header = header }, TestContext.Current.CancellationToken);
            foreach (var chunk in full.Chunks.Take(send))
            {
                var data = new byte[chunk.Span.Length];
                await file.ReadAsync(chunk.Span.Offset, data, TestContext.Current.CancellationToken);
                if (corrupt)
                {
                    data[100] ^= 1;
                    corrupt = false;
                }

                await call.RequestStream.WriteAsync(
                    new PushMessage { Chunk = new ChunkData { Offset = (ulong)chunk.Span.Offset, Length = (uint)chunk.Span.Length, Data = ByteString.CopyFrom(data), Hash = ByteString.CopyFrom(chunk.Hash.Span) } },
                    TestContext.Current.CancellationToken);
            }

            await call.RequestStream.WriteAsync(new PushMessage { Commit = new PushCommit() }, TestContext.Current.CancellationToken);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException)
        {
            // The host ended the call early; its status follows.
        }

        _ = await call.ResponseAsync;
    }
}
