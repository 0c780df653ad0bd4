using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Transfer.Host;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Grpc.Core;

namespace Broker.Transfer.Tests.Client;

public sealed class PushFaultTests
{
    private const int AbortAfter = 3;

    [Fact]
    public async Task PushAsync_ConnectionCutMidStream_ResumeSendsOnlyTheChunksTheHostLacks()
    {
        var faults = new ChunkFaults { AbortPushAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, TestContext.Current.CancellationToken);
        var (pulled, layer, total) = await SealNewLayerAsync(scenario);
        await using var disposePulled = pulled;

        await Should.ThrowAsync<RpcException>(() => scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken));
        faults.ResetCount();
        await scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);

        faults.Pushed.ShouldBe(total - AbortAfter);
        (await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, layer.Id));
    }

    [Fact]
    public async Task PushAsync_HostDiedBeforeItsCheckpoint_ResumeClaimsWhatTheStagingFileHolds()
    {
        var faults = new ChunkFaults { AbortPushAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, TestContext.Current.CancellationToken);
        var (pulled, layer, total) = await SealNewLayerAsync(scenario);
        await using var disposePulled = pulled;
        await Should.ThrowAsync<RpcException>(() => scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken));

        // As if the host process died after writing the chunks and before its group commit recorded
        // them. (The status call waits until the host is done with the cut push.)
        (await scenario.Client(TransferDirection.Push).GetPushStatusAsync(layer.Id, TestContext.Current.CancellationToken)).DurableChunkCount.ShouldBe((ulong)AbortAfter);
        await using (var ledger = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, Path.Combine(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "pushes"), PushLedgerJsonContext.Default.PushLedger, TestContext.Current.CancellationToken))
        {
            var entry = ledger.Read()!.Find(layer.Id, scenario.Epoch)!;
            _ = await ledger.UpdateAsync(current => current!.With(entry with { DurableChunks = 0 }), TestContext.Current.CancellationToken);
        }

        faults.ResetCount();
        await scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, TestContext.Current.CancellationToken);

        faults.Pushed.ShouldBe(total - AbortAfter);
        (await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, layer.Id));
        Directory.GetFiles(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "push-*").ShouldBeEmpty();
    }

    /// <summary>Pulls the chain, writes 6 MiB into the client's top and seals it; returns the store, the layer and its chunk count.</summary>
    private static async Task<(LayerStore Store, LayerRecord Layer, int Chunks)> SealNewLayerAsync(TransferScenario scenario)
    {
        var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);
        await TransferScenario.WriteAsync(pulled, 2L * 1024 * 1024, 6 * 1024 * 1024, 41);
        var layer = await pulled.SealAsync(TestContext.Current.CancellationToken);
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, pulled.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, TestContext.Current.CancellationToken);
        var manifest = await LayerManifest.BuildAsync(file, ChunkHasher.Default, TestContext.Current.CancellationToken);
        manifest.Chunks.Count.ShouldBeGreaterThan(AbortAfter + 1);
        return (pulled, layer, manifest.Chunks.Count);
    }
}
