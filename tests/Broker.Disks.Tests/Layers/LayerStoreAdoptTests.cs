using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Layers;

public sealed class LayerStoreAdoptTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Sealed = Created.AddHours(1);

    [Fact]
    public async Task AdoptSealedLayerAsync_StagedChild_BecomesSealedLayerUnderANewEmptyTop()
    {
        using var temp = new TempDirectory();
        var storage = FileStorage.Instance;
        var model = await ChainTestData.CreateBaseAsync(storage, temp.File("base.vhdx"), TestContext.Current.CancellationToken);
        await using var store = await LayerStore.CreateAsync(storage, temp.File("chain"), temp.File("base.vhdx"), ChainTestData.BaseAddress, null, TestContext.Current.CancellationToken);
        var staged = await StageAsync(storage, store, model, 0xA5);

        var adopted = await store.AdoptSealedLayerAsync(staged, 1, null, Created, Sealed, TestContext.Current.CancellationToken);

        adopted.Id.ShouldBe(1);
        adopted.SealedAt.ShouldBe(Sealed);
        store.Manifest.Top.ParentId.ShouldBe(1);
        store.Manifest.NextSerial.ShouldBeGreaterThan(store.Manifest.Top.Id);
        storage.FileExists(staged).ShouldBeFalse();
        (await ChainTestData.ReadSnapshotAsync(store, 1, TestContext.Current.CancellationToken)).ShouldBe(model);
        await ChainTestData.ShouldBeTidyAsync(storage, store, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AdoptSealedLayerAsync_ParentIsNotTheNewestSealedLayer_ThrowsAndChangesNothing()
    {
        using var temp = new TempDirectory();
        var storage = FileStorage.Instance;
        var model = await ChainTestData.CreateBaseAsync(storage, temp.File("base.vhdx"), TestContext.Current.CancellationToken);
        await using var store = await LayerStore.CreateAsync(storage, temp.File("chain"), temp.File("base.vhdx"), ChainTestData.BaseAddress, null, TestContext.Current.CancellationToken);
        var staged = await StageAsync(storage, store, model, 0x11);
        var before = store.Manifest;

        await Should.ThrowAsync<InvalidOperationException>(() => store.AdoptSealedLayerAsync(staged, 5, 4, Created, Sealed, TestContext.Current.CancellationToken));

        store.Manifest.ShouldBe(before);
        storage.FileExists(staged).ShouldBeTrue();
    }

    [Fact]
    public async Task AdoptSealedLayerAsync_TopHoldsData_ThrowsAndChangesNothing()
    {
        using var temp = new TempDirectory();
        var storage = FileStorage.Instance;
        var model = await ChainTestData.CreateBaseAsync(storage, temp.File("base.vhdx"), TestContext.Current.CancellationToken);
        await using var store = await LayerStore.CreateAsync(storage, temp.File("chain"), temp.File("base.vhdx"), ChainTestData.BaseAddress, null, TestContext.Current.CancellationToken);
        var device = await store.OpenLiveDeviceAsync(TestContext.Current.CancellationToken);
        await ChainTestData.WriteAsync(device, (byte[])model.Clone(), 0, 4096, 0x22, TestContext.Current.CancellationToken);
        await device.FlushAsync(TestContext.Current.CancellationToken);
        var staged = await StageAsync(storage, store, model, 0x33);
        var before = store.Manifest;

        await Should.ThrowAsync<InvalidOperationException>(() => store.AdoptSealedLayerAsync(staged, 7, null, Created, Sealed, TestContext.Current.CancellationToken));

        store.Manifest.ShouldBe(before);
    }

    [Fact]
    public async Task OpenAsync_StagingFiles_AreKept()
    {
        using var temp = new TempDirectory();
        var storage = FileStorage.Instance;
        var model = await ChainTestData.CreateBaseAsync(storage, temp.File("base.vhdx"), TestContext.Current.CancellationToken);
        string staged;
        await using (var store = await LayerStore.CreateAsync(storage, temp.File("chain"), temp.File("base.vhdx"), ChainTestData.BaseAddress, null, TestContext.Current.CancellationToken))
        {
            staged = await StageAsync(storage, store, model, 0x44);
        }

        await using var reopened = await LayerStore.OpenAsync(storage, temp.File("chain"), null, TestContext.Current.CancellationToken);

        storage.FileExists(staged).ShouldBeTrue();
    }

    /// <summary>Stages a child of the adoption parent holding 1 MiB of <paramref name="pattern"/> at 1 MiB, and applies it to <paramref name="model"/>.</summary>
    private static async Task<string> StageAsync(IStorage storage, LayerStore store, byte[] model, byte pattern)
    {
        var staged = store.StagingPathOf("test.avhdx");
        await using var file = await VhdxFile.CreateAsync(storage, staged, VhdxCreateOptions.Differencing(store.AdoptionParentPath), TestContext.Current.CancellationToken);
        var data = Enumerable.Repeat(pattern, 1024 * 1024).ToArray();
        await file.WriteAsync(1024 * 1024, data, TestContext.Current.CancellationToken);
        await file.FlushAsync(TestContext.Current.CancellationToken);
        data.CopyTo(model, 1024 * 1024);
        return staged;
    }
}
