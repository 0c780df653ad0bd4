using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Layers;

public sealed class LayerQuarantineTests
{
    private const string Device = "laptop-1";
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Sealed = Created.AddHours(1);

    private static FileStorage Storage => FileStorage.Instance;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAsync_ChildOfAnOlderLayer_KeptBesideTheUnchangedChainAndReadsThroughIt()
    {
        using var temp = new TempDirectory();
        var (store, models) = await CreateChainAsync(temp);
        await using var disposeStore = store;
        await using var quarantine = await LayerQuarantine.OpenAsync(Storage, temp.File("quarantine"), null, Token);
        var manifest = store.Manifest;
        var files = ChainTestData.LayerFiles(Storage, store.Directory);
        var expected = (byte[])models[1].Clone();
        var staged = await StageAsync(quarantine, store, 1, expected, 0xC3);

        var layer = await quarantine.AddAsync(store, staged, new QuarantineArrival(2, 1, Created, Sealed, 7, Device), Token);

        store.Manifest.ShouldBeSameAs(manifest);
        ChainTestData.LayerFiles(Storage, store.Directory).ShouldBe(files);
        layer.ShouldBe(quarantine.Find(2));
        (layer.ParentId, layer.Epoch, layer.DeviceId, layer.CreatedAt, layer.SealedAt).ShouldBe((1L, 7UL, Device, Created, Sealed));
        layer.SizeBytes.ShouldBe(new FileInfo(quarantine.PathOf(layer)).Length);
        Storage.FileExists(staged).ShouldBeFalse();
        (await VhdxFile.CheckAsync(Storage, quarantine.PathOf(layer), Token)).Problems.ShouldBeEmpty();
        (await ChainTestData.ReadChainAsync(Storage, quarantine.PathOf(layer), Token)).ShouldBe(expected);
        await quarantine.DisposeAsync();
        await using var reopened = await LayerQuarantine.OpenAsync(Storage, temp.File("quarantine"), null, Token);
        reopened.Layers.ShouldBe([layer]);
    }

    [Fact]
    public async Task AddAsync_ParentNotASealedLayerOfTheChain_ThrowsAndKeepsNothing()
    {
        using var temp = new TempDirectory();
        var (store, models) = await CreateChainAsync(temp);
        await using var disposeStore = store;
        await using var quarantine = await LayerQuarantine.OpenAsync(Storage, temp.File("quarantine"), null, Token);
        var staged = await StageAsync(quarantine, store, 1, (byte[])models[1].Clone(), 0xC4);

        await Should.ThrowAsync<InvalidOperationException>(() => quarantine.AddAsync(store, staged, new QuarantineArrival(9, 8, Created, Sealed, 7, Device), Token));

        quarantine.Layers.ShouldBeEmpty();
        Directory.GetFiles(quarantine.Directory, "L-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_FileTheIndexDoesNotName_DeletedButStagingKept()
    {
        using var temp = new TempDirectory();
        var (store, models) = await CreateChainAsync(temp);
        await using var disposeStore = store;
        var quarantine = await LayerQuarantine.OpenAsync(Storage, temp.File("quarantine"), null, Token);
        var staged = await StageAsync(quarantine, store, 1, (byte[])models[1].Clone(), 0xC5);
        var renamedBeforeIndex = Path.Combine(quarantine.Directory, "L-4.avhdx");
        File.Copy(staged, renamedBeforeIndex);
        await quarantine.DisposeAsync();

        await using var reopened = await LayerQuarantine.OpenAsync(Storage, temp.File("quarantine"), null, Token);

        Storage.FileExists(renamedBeforeIndex).ShouldBeFalse();
        Storage.FileExists(staged).ShouldBeTrue();
        reopened.Layers.ShouldBeEmpty();
    }

    [Fact]
    public async Task GraftAsync_LayerWhoseIdTheChainUses_NewTopReadsItAndTheOldTopStaysAsABranch()
    {
        using var temp = new TempDirectory();
        var (store, models) = await CreateChainAsync(temp);
        var serverModel = (byte[])models[2].Clone();
        await ChainTestData.WriteAsync(await store.OpenLiveDeviceAsync(Token), serverModel, 5L * 1024 * 1024, 8192, 0xEE, Token);
        await store.LiveDevice!.FlushAsync(Token);
        var oldTop = store.Manifest.Top;
        await using var quarantine = await LayerQuarantine.OpenAsync(Storage, temp.File("quarantine"), null, Token);
        var expected = (byte[])models[1].Clone();
        var layer = await quarantine.AddAsync(store, await StageAsync(quarantine, store, 1, expected, 0xC6), new QuarantineArrival(2, 1, Created, Sealed, 7, Device), Token);
        var quarantined = await File.ReadAllBytesAsync(quarantine.PathOf(layer), Token);

        var graft = await store.GraftAsync(layer, quarantine.PathOf(layer), Token);

        graft.Id.ShouldNotBe(2);
        (graft.ParentId, graft.CreatedAt, graft.SealedAt, graft.ContentSha256).ShouldBe((1L, Created, Sealed, layer.ContentSha256));
        store.Manifest.Top.ParentId.ShouldBe(graft.Id);
        (await ChainTestData.ReadAllAsync(await store.OpenLiveDeviceAsync(Token), Token)).ShouldBe(expected);
        (await ChainTestData.ReadSnapshotAsync(store, oldTop.Id, Token)).ShouldBe(serverModel);
        (await ChainTestData.ReadSnapshotAsync(store, 2, Token)).ShouldBe(models[2]);
        (await File.ReadAllBytesAsync(quarantine.PathOf(layer), Token)).ShouldBe(quarantined);
        var manifest = store.Manifest;
        (await store.GraftAsync(layer, quarantine.PathOf(layer), Token)).ShouldBe(graft);
        store.Manifest.ShouldBeSameAs(manifest);
        store.FindGraft(layer).ShouldBe(graft);
        await ChainTestData.ShouldBeTidyAsync(Storage, store, Token);
        await using var reopened = await LayerStore.OpenAsync(Storage, store.Directory, null, Token);
        reopened.Manifest.Top.ParentId.ShouldBe(graft.Id);
        (await ChainTestData.ReadAllAsync(await reopened.OpenLiveDeviceAsync(Token), Token)).ShouldBe(expected);
    }

    /// <summary>A chain base ← L1 ← L2 ← top, each sealed layer with writes; returns the store and the model after the base, L1 and L2.</summary>
    private static async Task<(LayerStore Store, byte[][] Models)> CreateChainAsync(TempDirectory temp)
    {
        var model = await ChainTestData.CreateBaseAsync(Storage, temp.File("base.vhdx"), Token);
        var models = new byte[3][];
        models[0] = (byte[])model.Clone();
        var store = await LayerStore.CreateAsync(Storage, temp.File("layers"), temp.File("base.vhdx"), ChainTestData.BaseAddress, null, Token);
        await ChainTestData.WriteAsync(await store.OpenLiveDeviceAsync(Token), model, 1024 * 1024, 64 * 1024, 0x11, Token);
        _ = await store.SealAsync(Token);
        models[1] = (byte[])model.Clone();
        await ChainTestData.WriteAsync(store.LiveDevice!, model, 2L * 1024 * 1024, 64 * 1024, 0x22, Token);
        _ = await store.SealAsync(Token);
        models[2] = (byte[])model.Clone();
        return (store, models);
    }

    /// <summary>Stages a differencing child of sealed layer <paramref name="parentId"/> in the quarantine, with one write (also into <paramref name="model"/>).</summary>
    private static async Task<string> StageAsync(LayerQuarantine quarantine, LayerStore store, long parentId, byte[] model, byte pattern)
    {
        var path = quarantine.StagingPathOf($"push-{pattern}.avhdx");
        await using var file = await VhdxFile.CreateAsync(Storage, path, VhdxCreateOptions.Differencing(store.SealedPathOf(parentId)!), Token);
        var data = new byte[96 * 1024];
        Array.Fill(data, pattern);
        await file.WriteAsync(1536 * 1024, data, Token);
        data.CopyTo(model, 1536 * 1024);
        await file.FlushAsync(Token);
        return path;
    }
}
