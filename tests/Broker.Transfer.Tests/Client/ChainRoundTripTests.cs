using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Transfer.Client;
using TransferProgress = Broker.Transfer.Client.TransferProgress;

namespace Broker.Transfer.Tests.Client;

public sealed class ChainRoundTripTests
{
    [Fact]
    public async Task PullAsync_ChainOfTheLayerStore_EveryLayerByteAndPresenceEqual()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        var reports = new List<TransferProgress>();

        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, new SynchronousProgress<TransferProgress>(reports), TestContext.Current.CancellationToken);

        var hostChain = scenario.HostLayers.Manifest.CurrentChain();
        pulled.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ParentId)).ShouldBe(hostChain.Select(layer => (layer.Id, layer.ParentId)));
        pulled.Manifest.BaseAddress.ShouldBe(scenario.HostLayers.Manifest.BaseAddress);
        foreach (var layer in hostChain)
        {
            var (hostExtents, hostData) = await TransferScenario.ReadLayerAsync(scenario.HostLayers, layer);
            var (clientExtents, clientData) = await TransferScenario.ReadLayerAsync(pulled, pulled.Manifest.Find(layer.Id)!);
            clientExtents.Select(extent => (extent.Offset, extent.Length)).ShouldBe(hostExtents.Select(extent => (extent.Offset, extent.Length)));
            clientData.ShouldBe(hostData);
            pulled.Manifest.Find(layer.Id)!.ContentSha256.ShouldBe(layer.ContentSha256);
            (await TransferScenario.ReadSnapshotAsync(pulled, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id));
        }

        reports.ShouldNotBeEmpty();
        reports[^1].BytesDone.ShouldBe(reports[^1].BytesTotal);
    }

    [Fact]
    public async Task PushAsync_NewLayerSealedOnTheClient_HostChainEqualsClientChain()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 3L * 1024 * 1024, 2 * 1024 * 1024 + 4096, 21);
        var sealedLayer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        var pusher = scenario.Pusher();

        var result = await pusher.PushAsync(pulled, sealedLayer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);

        result.AlreadyPresent.ShouldBeFalse();
        (await pusher.IsAcknowledgedAsync(sealedLayer.Id, TestContext.Current.CancellationToken)).ShouldBeTrue();
        scenario.HostLayers.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ParentId, layer.ContentSha256))
            .ShouldBe(pulled.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ParentId, layer.ContentSha256)));
        (await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, sealedLayer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, sealedLayer.Id));
        scenario.HostLayers.Manifest.Top.ParentId.ShouldBe(sealedLayer.Id);
        Directory.GetFiles(scenario.HostLayers.Directory, LayerStore.StagingPrefix + "push-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task PushFinalAsync_OfALayerAckedBefore_AsksTheHostAgain_WhichAnswersFinalAndAlreadyPresent()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 65536, 23);
        var sealedLayer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        var pusher = scenario.Pusher();
        var synced = await pusher.PushAsync(pulled, sealedLayer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);
        var before = scenario.HostLayers.Manifest;

        var skipped = await pusher.PushAsync(pulled, sealedLayer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);
        var final = await pusher.PushFinalAsync(pulled, sealedLayer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);

        synced.ShouldSatisfyAllConditions(() => synced.Final.ShouldBeFalse(), () => synced.AlreadyPresent.ShouldBeFalse());
        skipped.ShouldSatisfyAllConditions(() => skipped.Final.ShouldBeFalse(), () => skipped.AlreadyPresent.ShouldBeTrue());
        final.ShouldSatisfyAllConditions(
            () => final.Final.ShouldBeTrue("the host echoes the header's final flag"),
            () => final.AlreadyPresent.ShouldBeTrue(),
            () => final.LayerId.ShouldBe(LayerIds.Format(sealedLayer.Id)));
        scenario.HostLayers.Manifest.ShouldBe(before);
    }

    [Fact]
    public async Task PushAsync_SameLayerTwice_SecondIsAlreadyPresentAndChangesNothing()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 0, 65536, 22);
        var sealedLayer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        _ = await scenario.Pusher().PushAsync(pulled, sealedLayer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);
        var before = scenario.HostLayers.Manifest;

        // A pusher with no local record of the ack (another work directory) asks the host again.
        var again = new LayerPusher(scenario.Client(TransferDirection.Push), scenario.ClientWorkDirectory + "-other");
        var result = await again.PushAsync(pulled, sealedLayer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);

        result.AlreadyPresent.ShouldBeTrue();
        scenario.HostLayers.Manifest.ShouldBe(before);
    }

    [Fact]
    public async Task PullAsync_SecondDesktopOnTheSameBase_FetchesNoBaseChunk()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, TestContext.Current.CancellationToken);
        await using (await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken))
        {
        }

        counter.BaseChunks.ShouldBeGreaterThan(0);
        counter.Reset();

        await using var second = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory + "-second", null, TestContext.Current.CancellationToken);

        counter.BaseChunks.ShouldBe(0);
        counter.LayerChunks.ShouldBeGreaterThan(0);
        scenario.ClientBases.Images.ShouldHaveSingleItem().References.ShouldBe(2);
    }
}
