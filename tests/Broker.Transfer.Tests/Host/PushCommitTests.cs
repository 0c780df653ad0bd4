using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Host;

public sealed class PushCommitTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PushAsync_CommitsBeforeItsFirstCheckpoint_LeavesTheLayerAndNoLedgerRecordOrStagingFile()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        await TransferScenario.WriteAsync(pulled, 3L * 1024 * 1024, 2 * 1024 * 1024, 17);
        var layer = await pulled.SealAsync(Token);

        _ = await scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, Token);

        (await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, layer.Id));
        await using (var ledger = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, Path.Combine(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "pushes"), PushLedgerJsonContext.Default.PushLedger, Token))
        {
            // A 2 MiB push is far below a checkpoint: the host never wrote its ledger.
            ledger.Read().ShouldBeNull();
        }

        Directory.GetFiles(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "push-*").ShouldBeEmpty();
    }
}
