using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.Transfer;
using Broker.Testing;
using Broker.Transfer.Client;
using Broker.Transfer.Host;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Client;

/// <summary>A pull whose process stops (no final checkpoint, no close) re-fetches, when run again, only what was in flight.</summary>
public sealed class PullStopTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PullAsync_StoppedHalfWayThroughTheBaseWithNoCheckpoint_ResumeRefetchesAtMostTheRequestsInFlight()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, Token);
        using var hostDirectory = new TempDirectory("broker-stop-host-");
        var content = BaseContent();
        await using var hostChain = await ServeBaseAsync(scenario, hostDirectory, content);
        var baseChunks = content.Chunk(ChunkLayout.MaxChunkLength).Count(chunk => chunk.AsSpan().ContainsAnyExcept((byte)0));
        var client = scenario.Client(TransferDirection.Pull);
        // No checkpoint before the stop: all the resume keeps is what reached the staging file.
        var options = new PullOptions { Streams = 2, RequestsInFlight = 1, CheckpointChunks = int.MaxValue, CheckpointInterval = TimeSpan.FromDays(1) };
        var storage = new StoppingStorage(FileStorage.Instance);
        var stopHalfWay = new CallbackProgress(progress =>
        {
            if (progress.BytesDone * 2 >= progress.BytesTotal)
            {
                storage.Stop();
            }
        });

        _ = await Should.ThrowAsync<Exception>(() => new ChainPuller(client, scenario.ClientBases, scenario.ClientWorkDirectory, options, storage).PullAsync(scenario.ClientLayerDirectory, stopHalfWay, Token));
        var servedBeforeStop = counter.BaseChunks;
        counter.Reset();
        await using var pulled = await scenario.Puller(options).PullAsync(scenario.ClientLayerDirectory, null, Token);

        storage.Stopped.ShouldBeTrue();
        servedBeforeStop.ShouldBeGreaterThanOrEqualTo(baseChunks / 2);
        (servedBeforeStop + counter.BaseChunks - baseChunks).ShouldBeLessThanOrEqualTo(options.Streams * options.RequestsInFlight);
        await using var pulledBase = await VhdxFile.OpenAsync(FileStorage.Instance, pulled.Manifest.BasePath, null, Token);
        var pulledContent = new byte[content.Length];
        await pulledBase.ReadAsync(0, pulledContent, Token);
        pulledContent.ShouldBe(content);
    }

    /// <summary>A base of 16 chunks, 14 of them random data.</summary>
    private static byte[] BaseContent()
    {
        var content = new byte[16 * ChunkLayout.MaxChunkLength];
        new Random(5).NextBytes(content);
        content.AsSpan(3 * ChunkLayout.MaxChunkLength, ChunkLayout.MaxChunkLength).Clear();
        content.AsSpan(11 * ChunkLayout.MaxChunkLength, ChunkLayout.MaxChunkLength).Clear();
        return content;
    }

    /// <summary>Makes the host serve the desktop as a chain on a base of <paramref name="content"/>; returns the chain.</summary>
    private static async Task<LayerStore> ServeBaseAsync(TransferScenario scenario, TempDirectory directory, byte[] content)
    {
        await File.WriteAllBytesAsync(directory.File("base.raw"), content, Token);
        var image = await scenario.HostBases.ImportRawAsync(directory.File("base.raw"), 512, Token);
        var chain = await LayerStore.CreateAsync(FileStorage.Instance, directory.File("desktop"), image.Path, image.Address, null, Token);
        scenario.Registry.Set(new TransferDesktop(TransferScenario.DesktopId, chain, scenario.Epoch, TransferScenario.DeviceId));
        return chain;
    }
}
