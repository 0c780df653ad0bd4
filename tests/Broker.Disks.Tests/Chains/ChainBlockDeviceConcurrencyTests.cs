using Broker.Disks.Chains;
using Broker.Disks.Tests.Layers;
using Broker.Testing;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Chains;

/// <summary>
/// Many writers at once on one chain device (a differencing top over a patterned base, real files):
/// writes that allocate blocks, that mark new sectors present and that overwrite in place race
/// each other, reads of each writer's own ranges and flushes. The device and the reopened chain
/// must read as the model, and the top must pass check.
/// </summary>
public sealed class ChainBlockDeviceConcurrencyTests
{
    private const int Writers = 8;
    private const int WritesPerWriter = 150;

    // Each writer owns the slices whose index modulo Writers is its own, so no two writers overlap
    // and the model is exact whatever order they run in.
    private const int SliceSize = 64 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_ManyConcurrentWritersReadersAndFlushes_ContentEqualsTheModelAndTheTopChecksClean()
    {
        using var directory = new TempDirectory("broker-chain-concurrency-");
        var basePath = directory.File("base.vhdx");
        var topPath = directory.File("top.avhdx");
        var model = await ChainTestData.CreateBaseAsync(FileStorage.Instance, basePath, Token);
        await (await VhdxFile.CreateAsync(FileStorage.Instance, topPath, VhdxCreateOptions.Differencing(basePath), Token)).DisposeAsync();

        await using (var device = await ChainBlockDevice.OpenAsync(FileStorage.Instance, topPath, readOnly: false, Token))
        {
            var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteOwnSlicesAsync(device, model, writer), Token));
            var flusher = Task.Run(() => FlushRepeatedlyAsync(device), Token);
            await Task.WhenAll([.. writers, flusher]);
            (await ChainTestData.ReadAllAsync(device, Token)).ShouldBe(model);
        }

        (await ChainTestData.ReadChainAsync(FileStorage.Instance, topPath, Token)).ShouldBe(model);
        (await VhdxFile.CheckAsync(FileStorage.Instance, topPath, Token)).Problems.ShouldBeEmpty();
    }

    /// <summary>Sector-aligned writes of random length inside the writer's slices, each read back at once; some with FUA.</summary>
    private static async Task WriteOwnSlicesAsync(ChainBlockDevice device, byte[] model, int writer)
    {
        var random = new Random(1000 + writer);
        var slices = (int)(device.Size / SliceSize / Writers);
        for (var i = 0; i < WritesPerWriter; i++)
        {
            var slice = (random.Next(slices) * Writers) + writer;
            var sectors = random.Next(1, (SliceSize / 512) + 1);
            var offset = ((long)slice * SliceSize) + (random.Next((SliceSize / 512) - sectors + 1) * 512);
            var data = new byte[sectors * 512];
            random.NextBytes(data);
            await device.WriteAsync(offset, data, forceUnitAccess: i % 16 == 0, Token);
            data.CopyTo(model, offset);

            var back = new byte[data.Length];
            await device.ReadAsync(offset, back, Token);
            back.ShouldBe(data);
        }
    }

    private static async Task FlushRepeatedlyAsync(ChainBlockDevice device)
    {
        for (var i = 0; i < 40; i++)
        {
            await device.FlushAsync(Token);
            await Task.Yield();
        }
    }
}
