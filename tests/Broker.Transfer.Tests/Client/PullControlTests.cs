using Broker.Disks.Layers;
using Broker.Disks.Transfer;
using Broker.Transfer.Client;

namespace Broker.Transfer.Tests.Client;

public sealed class PullControlTests
{
    [Fact]
    public async Task PullAsync_PausedAfterTheFirstChunk_RequestsNothingMoreUntilResumedThenCompletes()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, TestContext.Current.CancellationToken);
        var pause = new TransferPause();
        var options = new PullOptions { Streams = 1, RequestsInFlight = 1, Pause = pause };
        var pausedAt = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new CallbackProgress(_ =>
        {
            if (!pausedAt.Task.IsCompleted)
            {
                pause.Pause();
                pausedAt.TrySetResult(counter.BaseChunks + counter.LayerChunks);
            }
        });

        var pull = scenario.Puller(options).PullAsync(scenario.ClientLayerDirectory, progress, TestContext.Current.CancellationToken);
        var requested = await pausedAt.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        var finishedWhilePaused = await Task.WhenAny(pull, Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken)) == pull;

        finishedWhilePaused.ShouldBeFalse();
        pause.IsPaused.ShouldBeTrue();
        // A request that passed the gate just before the pause may still go out; nothing after it.
        (counter.BaseChunks + counter.LayerChunks).ShouldBeLessThanOrEqualTo(requested + options.RequestsInFlight);
        pause.Resume();
        await using var pulled = await pull;
        await ShouldEqualHostAsync(scenario, pulled);
    }

    [Fact]
    public async Task PullAsync_ThrottledToASlowLink_CompletesEqualAndNeverFasterThanTheLimit()
    {
        const long Rate = 4L * 1024 * 1024;
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var limiter = new BandwidthLimiter(Rate, ChunkLayout.MaxChunkLength, TimeProvider.System);
        var reports = new List<TransferProgress>();

        await using var pulled = await scenario.Puller(new PullOptions { Limiter = limiter }).PullAsync(scenario.ClientLayerDirectory, new SynchronousProgress<TransferProgress>(reports), TestContext.Current.CancellationToken);

        await ShouldEqualHostAsync(scenario, pulled);

        // The bucket starts full (one chunk of burst), so the average over the run stays under rate plus that burst.
        var rated = reports.Where(report => report.BytesPerSecond > 0).ToList();
        rated.ShouldNotBeEmpty();
        var moved = rated[^1].BytesDone;
        var seconds = moved / rated[^1].BytesPerSecond;
        moved.ShouldBeLessThanOrEqualTo((long)(Rate * seconds) + ChunkLayout.MaxChunkLength + 4096);
    }

    private static async Task ShouldEqualHostAsync(TransferScenario scenario, LayerStore pulled)
    {
        foreach (var layer in scenario.HostLayers.Manifest.CurrentChain())
        {
            (await TransferScenario.ReadSnapshotAsync(pulled, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id));
        }
    }
}
