using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Transfer.Tests.Host;

/// <summary>Push staging left by a client that never came back: removed, unless the push may still be resumed.</summary>
public sealed class AbandonedPushTests
{
    private const int AbortAfter = 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RemoveAbandonedPushesAsync_PushOfTheLiveCheckOut_KeptAtHostStartAndOldThenResumes()
    {
        var faults = new ChunkFaults { AbortPushAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, Token);
        var (pulled, layer) = await LeaveCutPushAsync(scenario);
        await using var disposePulled = pulled;
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow() + TimeSpan.FromDays(30));
        using var sweeper = Sweeper(scenario, time);

        (await sweeper.RemoveAbandonedPushesAsync(Desktop(scenario), hostStarting: true, Token)).ShouldBe(0);
        (await sweeper.RemoveAbandonedPushesAsync(Desktop(scenario), hostStarting: false, Token)).ShouldBe(0);

        StagedPushFiles(scenario).Length.ShouldBe(2);
        (await scenario.Client(TransferDirection.Push).GetPushStatusAsync(layer.Id, Token)).DurableChunkCount.ShouldBe((ulong)AbortAfter);
        _ = await scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, Token);
        (await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, layer.Id));
    }

    [Fact]
    public async Task RemoveAbandonedPushesAsync_EpochMovedOn_RemovedOnceItsCheckpointIsOldAndUnrecordedFilesAtOnce()
    {
        var faults = new ChunkFaults { AbortPushAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, Token);
        var (pulled, _) = await LeaveCutPushAsync(scenario);
        await using var disposePulled = pulled;
        var orphan = scenario.HostLayers.StagingPathOf("push-99.avhdx");
        await File.WriteAllBytesAsync(orphan, [1, 2, 3], Token);
        scenario.SetEpoch(scenario.Epoch + 1);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var sweeper = Sweeper(scenario, time);

        (await sweeper.RemoveAbandonedPushesAsync(Desktop(scenario), hostStarting: false, Token)).ShouldBe(1);
        File.Exists(orphan).ShouldBeFalse();
        StagedPushFiles(scenario).Length.ShouldBe(2);
        (await ReadLedgerAsync(scenario)).Pushes.Count.ShouldBe(1);

        time.Advance(TimeSpan.FromHours(2));
        (await sweeper.RemoveAbandonedPushesAsync(Desktop(scenario), hostStarting: false, Token)).ShouldBe(2);

        StagedPushFiles(scenario).ShouldBeEmpty();
        (await ReadLedgerAsync(scenario)).Pushes.ShouldBeEmpty();
    }

    [Fact]
    public async Task RemoveAbandonedPushesAsync_HostStartsWithTheDesktopCheckedIn_RemovedWhateverItsAge()
    {
        var faults = new ChunkFaults { AbortPushAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, Token);
        var (pulled, _) = await LeaveCutPushAsync(scenario);
        await using var disposePulled = pulled;
        scenario.Registry.Set(new TransferDesktop(TransferScenario.DesktopId, scenario.HostLayers, scenario.Epoch, DeviceId: null));
        using var sweeper = Sweeper(scenario, new FakeTimeProvider(TimeProvider.System.GetUtcNow()));

        (await sweeper.RemoveAbandonedPushesAsync(Desktop(scenario), hostStarting: false, Token)).ShouldBe(0);
        (await sweeper.RemoveAbandonedPushesAsync(Desktop(scenario), hostStarting: true, Token)).ShouldBe(2);

        StagedPushFiles(scenario).ShouldBeEmpty();
        (await ReadLedgerAsync(scenario)).Pushes.ShouldBeEmpty();
    }

    /// <summary>Pulls, seals a 6 MiB layer and pushes it until the connection is cut: the host keeps a recorded staging file.</summary>
    private static async Task<(LayerStore Store, LayerRecord Layer)> LeaveCutPushAsync(TransferScenario scenario)
    {
        var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        await TransferScenario.WriteAsync(pulled, 2L * 1024 * 1024, 6 * 1024 * 1024, 43);
        var layer = await pulled.SealAsync(Token);
        await Should.ThrowAsync<RpcException>(() => scenario.Pusher().PushAsync(pulled, layer.Id, scenario.Epoch, null, Token));

        // The status call waits until the host is done with the cut push (its last checkpoint).
        (await scenario.Client(TransferDirection.Push).GetPushStatusAsync(layer.Id, Token)).DurableChunkCount.ShouldBe((ulong)AbortAfter);
        StagedPushFiles(scenario).Length.ShouldBe(2);
        return (pulled, layer);
    }

    /// <summary>A second service over the same desktops, on <paramref name="time"/>, with a one-hour <see cref="TransferHostOptions.AbandonedPushAge"/>.</summary>
    private static DiskTransferService Sweeper(TransferScenario scenario, TimeProvider time) =>
        new(scenario.Registry, scenario.Verifier, new TransferHostOptions { HostId = TransferScenario.HostId, AbandonedPushAge = TimeSpan.FromHours(1) }, null, time);

    private static TransferDesktop Desktop(TransferScenario scenario) => scenario.Registry.Find(TransferScenario.DesktopId)!;

    private static string[] StagedPushFiles(TransferScenario scenario) =>
        Directory.GetFiles(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "push-*");

    private static async Task<PushLedger> ReadLedgerAsync(TransferScenario scenario)
    {
        await using var ledger = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, Path.Combine(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "pushes"), PushLedgerJsonContext.Default.PushLedger, Token);
        return ledger.Read().ShouldNotBeNull();
    }
}
