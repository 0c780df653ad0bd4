using Broker.Contracts.V1;
using Broker.Transfer.Client;
using Grpc.Core;

namespace Broker.Transfer.Tests.Client;

public sealed class PullFaultTests
{
    [Fact]
    public async Task PullAsync_CorruptedChunks_AreRejectedAndFetchedAgain()
    {
        var faults = new ChunkFaults { CorruptFirst = 3 };
        await using var scenario = await TransferScenario.CreateAsync(faults, TestContext.Current.CancellationToken);
        var full = await CountChunksAsync(scenario);

        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);

        faults.Sent.ShouldBe(full + 3);
        foreach (var layer in scenario.HostLayers.Manifest.CurrentChain())
        {
            (await TransferScenario.ReadSnapshotAsync(pulled, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id));
        }
    }

    [Fact]
    public async Task PullAsync_ConnectionCutMidStream_ResumesFromTheLastDurableChunk()
    {
        const int AbortAfter = 6;
        var faults = new ChunkFaults { AbortAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, TestContext.Current.CancellationToken);
        var full = await CountChunksAsync(scenario);
        var options = new PullOptions { Streams = 1, RequestsInFlight = 2, CheckpointChunks = 100 };

        await Should.ThrowAsync<RpcException>(() => scenario.Puller(options).PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken));
        faults.ResetCount();
        await using var pulled = await scenario.Puller(options).PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);

        // Everything received before the cut was kept (checkpointed on the way out), so the resume
        // fetches at most the chunks that were in flight again.
        faults.Sent.ShouldBeLessThanOrEqualTo(full - AbortAfter + options.RequestsInFlight);
        foreach (var layer in scenario.HostLayers.Manifest.CurrentChain())
        {
            (await TransferScenario.ReadSnapshotAsync(pulled, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id));
        }
    }

    /// <summary>Chunks of the base and of every layer of the host's chain: what a full pull fetches.</summary>
    private static async Task<int> CountChunksAsync(TransferScenario scenario)
    {
        var client = scenario.Client(TransferDirection.Pull);
        var chain = await client.GetChainManifestAsync(TestContext.Current.CancellationToken);
        var baseManifest = await client.GetLayerManifestAsync(new GetLayerManifestRequest { BaseContentAddress = chain.Base.ContentAddress }, null, TestContext.Current.CancellationToken);
        return baseManifest.Chunks.Count + chain.Layers.Sum(layer => (int)layer.ChunkCount);
    }
}
