using System.Security.Cryptography;
using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Disks.Transfer;
using Broker.Testing;
using Broker.Transfer.Client;
using Broker.Transfer.Host;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Client;

/// <summary>The base of a check-out: only its non-zero chunks travel, and it is adopted only under the address the host announced.</summary>
public sealed class BasePullTests
{
    private const int Chunk = ChunkLayout.MaxChunkLength;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PullAsync_BaseWithAllocatedZeroChunks_FetchesOnlyTheNonZeroChunksAndAdoptsEqualContent()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, Token);
        var hostBase = scenario.HostLayers.Manifest;
        var hostContent = await ReadVirtualAsync(hostBase.BasePath);
        var allocatedChunks = await CountAllocatedChunksAsync(hostBase.BasePath);
        var nonZeroChunks = hostContent.Chunk(Chunk).Count(chunk => chunk.AsSpan().ContainsAnyExcept((byte)0));

        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);

        allocatedChunks.ShouldBeGreaterThan(nonZeroChunks, "the host's base must hold all-zero chunks for this test to mean anything");
        counter.BaseChunks.ShouldBe(nonZeroChunks);
        var adopted = scenario.ClientBases.Images.ShouldHaveSingleItem();
        adopted.Address.ShouldBe(hostBase.BaseAddress);
        pulled.Manifest.BasePath.ShouldBe(adopted.Path);
        (await ReadVirtualAsync(adopted.Path)).ShouldBe(hostContent);
        Directory.GetFiles(scenario.ClientWorkDirectory, "base-*").ShouldBeEmpty();

        // The address is the store's own: a fresh import of the adopted file computes the same one.
        using var check = new TempDirectory("broker-base-check-");
        await using var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, check.Path, null, Token);
        (await bases.ImportVhdxAsync(adopted.Path, Token)).Address.ShouldBe(hostBase.BaseAddress);
    }

    [Fact]
    public async Task PullAsync_FreshBase_ReadsNoChunkBackFromItsStagingFile()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        var storage = new StoppingStorage(FileStorage.Instance);
        var puller = new ChainPuller(scenario.Client(TransferDirection.Pull), scenario.ClientBases, scenario.ClientWorkDirectory, null, storage);
        var nonZeroChunks = (await ReadVirtualAsync(scenario.HostLayers.Manifest.BasePath)).Chunk(Chunk).Count(chunk => chunk.AsSpan().ContainsAnyExcept((byte)0));

        await using var pulled = await puller.PullAsync(scenario.ClientLayerDirectory, null, Token);

        // Probing a fresh staging file for chunks a killed pull wrote would read every reserved block back.
        nonZeroChunks.ShouldBeGreaterThan(1);
        storage.BytesRead(name => name.StartsWith("base-", StringComparison.Ordinal)).ShouldBeLessThan(Chunk, "only the staging file's metadata is read");
        (await ReadVirtualAsync(scenario.ClientBases.Images.ShouldHaveSingleItem().Path)).ShouldBe(await ReadVirtualAsync(scenario.HostLayers.Manifest.BasePath));
    }

    [Fact]
    public async Task PullAsync_BaseContentNotMatchingTheAnnouncedAddress_RefusedAndNothingKept()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        var real = scenario.HostLayers.Manifest;
        var forged = Convert.ToHexStringLower(SHA256.HashData("not the base's content"u8));
        using var hostDirectory = new TempDirectory("broker-forged-host-");
        await using var forgedChain = await LayerStore.CreateAsync(FileStorage.Instance, hostDirectory.File("desktop"), real.BasePath, forged, null, Token);
        scenario.Registry.Set(new TransferDesktop(TransferScenario.DesktopId, forgedChain, scenario.Epoch, TransferScenario.DeviceId));

        await Should.ThrowAsync<ChunkManifestException>(() => scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token));

        scenario.ClientBases.Images.ShouldBeEmpty();
        Directory.GetFiles(scenario.ClientBaseDirectory, "*.vhdx").ShouldBeEmpty();
        Directory.GetFiles(scenario.ClientWorkDirectory, "base-*").ShouldBeEmpty();
        (Directory.Exists(scenario.ClientLayerDirectory) ? Directory.GetFiles(scenario.ClientLayerDirectory) : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task PullAsync_BaseStagingFileLostAfterAStop_StartsTheBaseAfreshAndCompletes()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var options = new PullOptions { Streams = 1, RequestsInFlight = 1 };
        var stopped = await Record.ExceptionAsync(() => scenario.Puller(options).PullAsync(scenario.ClientLayerDirectory, new CallbackProgress(_ => stop.Cancel()), stop.Token));
        stopped.ShouldNotBeNull();
        var staged = Directory.GetFiles(scenario.ClientWorkDirectory, "base-*").ShouldHaveSingleItem();

        // The progress record says chunks are done, but the file that held them is gone.
        File.Delete(staged);
        await using var pulled = await scenario.Puller(options).PullAsync(scenario.ClientLayerDirectory, null, Token);

        var adopted = scenario.ClientBases.Images.ShouldHaveSingleItem();
        (await ReadVirtualAsync(adopted.Path)).ShouldBe(await ReadVirtualAsync(scenario.HostLayers.Manifest.BasePath));
    }

    private static async Task<byte[]> ReadVirtualAsync(string path)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, VhdxOpenOptions.ReadOnlyDefault, Token);
        var content = new byte[file.VirtualSize];
        await file.ReadAsync(0, content, Token);
        return content;
    }

    private static async Task<int> CountAllocatedChunksAsync(string path)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, VhdxOpenOptions.ReadOnlyDefault, Token);
        var extents = await file.GetAllocationAsync(Token);
        return ChunkLayout.Cut(extents.Select(extent => new PresentExtent(extent.Offset, extent.Length)), file.LogicalSectorSize).Count();
    }
}
