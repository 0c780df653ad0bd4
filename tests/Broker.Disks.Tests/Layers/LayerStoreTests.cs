using Broker.Disks.Chains;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Testing.Storage;
using Broker.Vhdx.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Disks.Tests.Layers;

public sealed class LayerStoreTests
{
    private const string BasePath = "/images/base.vhdx";
    private const string Directory = "/desktops/d1";
    private const int KiB = 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Base, then three sealed layers with writes before each seal and a fourth write set in the top.</summary>
    private static async Task<(CrashingStorage Storage, LayerStore Store, List<byte[]> Snapshots, byte[] Current, List<LayerRecord> Sealed)> BuildAsync(FakeTimeProvider? time = null)
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, BasePath, Token);
        var store = await LayerStore.CreateAsync(storage, Directory, BasePath, ChainTestData.BaseAddress, time, Token);
        var device = await store.OpenLiveDeviceAsync(Token);
        var snapshots = new List<byte[]>();
        var sealedLayers = new List<LayerRecord>();
        for (var round = 0; round < 3; round++)
        {
            await ChainTestData.WriteAsync(device, model, (round * 1024 * KiB) + 4096, 64 * KiB, (byte)(0x10 + round), Token);
            await ChainTestData.WriteAsync(device, model, (5 * 1024 * KiB) + (round * 300 * KiB) + 512, 3000, (byte)(0x40 + round), Token);
            sealedLayers.Add(await store.SealAsync(Token));
            snapshots.Add((byte[])model.Clone());
            device = store.LiveDevice!;
            time?.Advance(TimeSpan.FromHours(1));
        }

        await ChainTestData.WriteAsync(device, model, 7 * 1024 * KiB, 8 * KiB, 0x77, Token);
        return (storage, store, snapshots, model, sealedLayers);
    }

    [Fact]
    public async Task SealAsync_ThreeTimes_EverySnapshotReadsAsItsModel()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync(time);
        await using (store)
        {
            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(current);
            for (var k = 0; k < 3; k++)
            {
                (await ChainTestData.ReadSnapshotAsync(store, sealedLayers[k].Id, Token)).ShouldBe(snapshots[k], $"snapshot {k}");
            }

            store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe(sealedLayers.Select(layer => layer.Id));
            store.Manifest.Epoch.ShouldBe(4);
            sealedLayers[1].SealedAt.ShouldBe(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
            sealedLayers.Select(layer => layer.ContentSha256).Distinct().Count().ShouldBe(3);
            await store.LiveDevice!.FlushAsync(Token);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task OpenAsync_AfterPowerLossFollowingFlush_ReadsTheSameChain()
    {
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync();
        await store.LiveDevice!.FlushAsync(Token);
        var rebooted = storage.Materialise(CrashMode.DropUnflushed);
        await store.DisposeAsync();

        await using var reopened = await LayerStore.OpenAsync(rebooted, Directory, null, Token);

        (await ChainTestData.ReadAllAsync(await reopened.OpenLiveDeviceAsync(Token), Token)).ShouldBe(current);
        (await ChainTestData.ReadSnapshotAsync(reopened, sealedLayers[0].Id, Token)).ShouldBe(snapshots[0]);
    }

    [Fact]
    public async Task MergeAsync_LowerTwoLayers_ContentAndLaterSnapshotsUnchangedAndOldFilesGone()
    {
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync();
        await using (store)
        {
            var oldFiles = sealedLayers.Select(layer => layer.File).Append(store.Manifest.Top.File).ToList();

            var merged = await store.MergeAsync(sealedLayers[0].Id, sealedLayers[1].Id, Token);

            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(current);
            (await ChainTestData.ReadSnapshotAsync(store, merged.Id, Token)).ShouldBe(snapshots[1]);
            (await ChainTestData.ReadSnapshotAsync(store, sealedLayers[2].Id, Token)).ShouldBe(snapshots[2]);
            store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([merged.Id, sealedLayers[2].Id]);
            merged.ParentId.ShouldBeNull();
            merged.SealedAt.ShouldBe(sealedLayers[1].SealedAt);
            ChainTestData.LayerFiles(storage, Directory).Intersect(oldFiles).ShouldBeEmpty();
            await store.LiveDevice!.FlushAsync(Token);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task MergeAsync_UpperTwoLayers_OnlyTheTopIsRebuilt()
    {
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync();
        await using (store)
        {
            var merged = await store.MergeAsync(sealedLayers[1].Id, sealedLayers[2].Id, Token);

            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(current);
            (await ChainTestData.ReadSnapshotAsync(store, sealedLayers[0].Id, Token)).ShouldBe(snapshots[0]);
            (await ChainTestData.ReadSnapshotAsync(store, merged.Id, Token)).ShouldBe(snapshots[2]);
            store.Manifest.Find(sealedLayers[0].Id).ShouldBe(sealedLayers[0]);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task MergeAsync_AfterPrepare_CopiesOnlyTheSectorsWrittenSinceAndLosesNoWrite()
    {
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync();
        await using (store)
        {
            using var trace = new LayerTrace();
            var before = store.LiveDevice!;
            await store.PrepareMergeAsync(sealedLayers[0].Id, sealedLayers[1].Id, Token);

            // Into a block the top holds (unaligned), a new block, and over a merged layer's data:
            // sectors 7 MiB + 512 … +3072, 2 MiB … +5120 and 4096 … +512, 8192 bytes in all.
            await ChainTestData.WriteAsync(before, current, (7 * 1024 * KiB) + 1000, 2000, 0x91, Token);
            await ChainTestData.WriteAsync(before, current, (2 * 1024 * KiB) + 100, 5000, 0x92, Token);
            await ChainTestData.WriteAsync(before, current, 4096, 100, 0x93, Token);
            ChainBlockDevice? switchedTo = null;
            var merged = await store.MergeAsync(
                sealedLayers[0].Id,
                sealedLayers[1].Id,
                device =>
                {
                    switchedTo = device;
                    return Task.CompletedTask;
                },
                Token);

            switchedTo.ShouldNotBeNull().ShouldBeSameAs(store.LiveDevice);
            before.IsClosed.ShouldBeTrue();
            trace.Steps("catch-up").Select(step => (long)step.GetTagItem("bytes")!).ShouldBe([8192L]);
            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(current);
            (await ChainTestData.ReadSnapshotAsync(store, merged.Id, Token)).ShouldBe(snapshots[1]);
            (await ChainTestData.ReadSnapshotAsync(store, sealedLayers[2].Id, Token)).ShouldBe(snapshots[2]);
            store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([merged.Id, sealedLayers[2].Id]);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task MergeAsync_PreparedBeforeASeal_BuildsAnewAndLeavesNoPreparedFile()
    {
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync();
        await using (store)
        {
            using var trace = new LayerTrace();
            await store.PrepareMergeAsync(sealedLayers[0].Id, sealedLayers[1].Id, Token);
            await ChainTestData.WriteAsync(store.LiveDevice!, current, 3 * 1024 * KiB, 4096, 0x94, Token);
            var sealedAfter = await store.SealAsync(Token);
            await ChainTestData.WriteAsync(store.LiveDevice!, current, (3 * 1024 * KiB) + 512, 4096, 0x95, Token);

            var merged = await store.MergeAsync(sealedLayers[0].Id, sealedLayers[1].Id, Token);

            trace.Steps("catch-up").ShouldBeEmpty();
            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(current);
            (await ChainTestData.ReadSnapshotAsync(store, merged.Id, Token)).ShouldBe(snapshots[1]);
            store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([merged.Id, sealedLayers[2].Id, sealedAfter.Id]);
            await store.LiveDevice!.FlushAsync(Token);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task DiscardPreparedMergeAsync_AfterPrepare_DeletesItsFilesAndTheChainIsUnchanged()
    {
        var (storage, store, _, current, sealedLayers) = await BuildAsync();
        await using (store)
        {
            var files = ChainTestData.LayerFiles(storage, Directory);
            await store.PrepareMergeAsync(sealedLayers[0].Id, sealedLayers[1].Id, Token);
            ChainTestData.LayerFiles(storage, Directory).Count.ShouldBe(files.Count + 3, "merged layer, rebuilt third layer, new top");

            await store.DiscardPreparedMergeAsync();

            ChainTestData.LayerFiles(storage, Directory).ShouldBe(files);
            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(current);
            store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe(sealedLayers.Select(layer => layer.Id));
        }
    }

    [Fact]
    public async Task RestoreAsync_ToFirstSnapshot_ReadsItAndKeepsTheLaterLayersAsABranch()
    {
        var (storage, store, snapshots, current, sealedLayers) = await BuildAsync();
        await using (store)
        {
            var oldTop = store.Manifest.Top;

            var newTop = await store.RestoreAsync(sealedLayers[0].Id, Token);

            newTop.ParentId.ShouldBe(sealedLayers[0].Id);
            (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(snapshots[0]);
            store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([sealedLayers[0].Id]);
            (await ChainTestData.ReadSnapshotAsync(store, sealedLayers[2].Id, Token)).ShouldBe(snapshots[2]);
            (await ChainTestData.ReadSnapshotAsync(store, oldTop.Id, Token)).ShouldBe(current);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task MergeAsync_UnderABranch_IsRefused()
    {
        var (_, store, _, _, sealedLayers) = await BuildAsync();
        await using (store)
        {
            _ = await store.RestoreAsync(sealedLayers[0].Id, Token);
            var second = await store.SealAsync(Token);

            // Layer 2 (a branch now) sits on layer 1, which the merge would replace.
            await Should.ThrowAsync<InvalidOperationException>(() => store.MergeAsync(sealedLayers[0].Id, second.Id, Token));
        }
    }

    [Fact]
    public async Task BootSnapshotAsync_WritesToTheSnapshot_AreThrownAway()
    {
        var (storage, store, snapshots, _, sealedLayers) = await BuildAsync();
        await using (store)
        {
            await using (var device = await store.BootSnapshotAsync(sealedLayers[1].Id, Token))
            {
                var scratchModel = (byte[])snapshots[1].Clone();
                await ChainTestData.WriteAsync(device, scratchModel, 0, 4096, 0xEE, Token);
                (await ChainTestData.ReadAllAsync(device, Token)).ShouldBe(scratchModel);
                await Should.ThrowAsync<InvalidOperationException>(() => store.MergeAsync(sealedLayers[0].Id, sealedLayers[1].Id, Token));
            }

            (await ChainTestData.ReadSnapshotAsync(store, sealedLayers[1].Id, Token)).ShouldBe(snapshots[1]);
            await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
        }
    }

    [Fact]
    public async Task MergeAsync_LayersNotInOrder_Throws()
    {
        var (_, store, _, _, sealedLayers) = await BuildAsync();
        await using (store)
        {
            await Should.ThrowAsync<ArgumentException>(() => store.MergeAsync(sealedLayers[1].Id, sealedLayers[0].Id, Token));
            await Should.ThrowAsync<ArgumentException>(() => store.MergeAsync(sealedLayers[1].Id, sealedLayers[1].Id, Token));
        }
    }

    [Fact]
    public async Task SealAsync_CreatingTheNextTopFails_TheLiveDeviceServesTheOldTopAgain()
    {
        // Real files: a writable open of a file also held open read-only is refused (FileShare).
        using var directory = new TempDirectory("broker-layers-");
        var storage = FileStorage.Instance;
        var basePath = directory.File("base.vhdx");
        var model = await ChainTestData.CreateBaseAsync(storage, basePath, Token);
        await using var store = await LayerStore.CreateAsync(storage, directory.File("d1"), basePath, ChainTestData.BaseAddress, null, Token);
        await ChainTestData.WriteAsync(await store.OpenLiveDeviceAsync(Token), model, 4096, 64 * KiB, 0x21, Token);

        // A directory where the next top's file goes: the seal fails after closing the top.
        System.IO.Directory.CreateDirectory(Path.Combine(store.Directory, LayerStore.LayerFileName(store.Manifest.NextSerial)));
        await Should.ThrowAsync<Exception>(() => store.SealAsync(Token));

        var device = store.LiveDevice.ShouldNotBeNull();
        await ChainTestData.WriteAsync(device, model, 3 * 1024 * KiB, 8 * KiB, 0x22, Token);
        (await ChainTestData.ReadAllAsync(device, Token)).ShouldBe(model);
        store.Manifest.Layers.ShouldBeEmpty();
    }

    [Fact]
    public async Task SealAsync_FlushOnTheNewTopBeforeTheCommit_WaitsForTheCommitAndSurvivesAPowerLoss()
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, BasePath, Token);
        await using var store = await LayerStore.CreateAsync(storage, Directory, BasePath, ChainTestData.BaseAddress, null, Token);
        await ChainTestData.WriteAsync(await store.OpenLiveDeviceAsync(Token), model, 4096, 64 * KiB, 0x31, Token);
        var oldTop = store.Manifest.Top;
        Task? flush = null;

        var sealedLayer = await store.SealAsync(
            async next =>
            {
                // The new top serves before the manifest names it; a flush there must wait for that.
                store.Manifest.Top.ShouldBe(oldTop);
                await ChainTestData.WriteAsync(next, model, 2 * 1024 * KiB, 8 * KiB, 0x32, Token);
                flush = next.FlushAsync(Token).AsTask();
                flush.IsCompleted.ShouldBeFalse();
            },
            Token);

        await flush.ShouldNotBeNull();
        store.Manifest.Top.ParentId.ShouldBe(sealedLayer.Id);
        await using var rebooted = await LayerStore.OpenAsync(storage.Materialise(CrashMode.DropUnflushed), Directory, null, Token);
        (await ChainTestData.ReadAllAsync(await rebooted.OpenLiveDeviceAsync(Token), Token)).ShouldBe(model);
    }

    [Fact]
    public async Task SealAsync_FailingAfterTheNewTopServes_FlushesThereFailAndTheStoreIsUnusable()
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, BasePath, Token);
        await using var store = await LayerStore.CreateAsync(storage, Directory, BasePath, ChainTestData.BaseAddress, null, Token);
        await ChainTestData.WriteAsync(await store.OpenLiveDeviceAsync(Token), model, 4096, 64 * KiB, 0x41, Token);
        ChainBlockDevice? served = null;

        await Should.ThrowAsync<TimeoutException>(() => store.SealAsync(
            next =>
            {
                served = next;
                throw new TimeoutException("the export did not resume");
            },
            Token));

        await Should.ThrowAsync<IOException>(() => served.ShouldNotBeNull().FlushAsync(Token).AsTask());
        await Should.ThrowAsync<InvalidOperationException>(() => store.SealAsync(Token));
        store.Manifest.Layers.ShouldBeEmpty();
    }
}
