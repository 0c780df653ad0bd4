using Broker.Disks.Layers;
using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Layers;

/// <summary>
/// Crash injection at every durable I/O of seal and merge (CrashTester over the storage double's
/// operation count), materialised with unflushed data dropped, kept, names lost, and the last write
/// torn: after reopening, the manifest is valid, every file it names passes check, no other file
/// remains, the chain reads as before (seal and merge keep the content) and the outcome is the
/// state before or after the operation.
/// </summary>
public sealed class LayerStoreCrashTests
{
    private const string BasePath = "/images/base.vhdx";
    private const string Directory = "/desktops/d1";
    private const long VirtualSize = 4L * 1024 * 1024;

    private static readonly CrashTestOptions Modes = new()
    {
        Modes = [CrashMode.DropUnflushed, CrashMode.KeepUnflushed, CrashMode.LoseUnflushedNames, CrashMode.TearLastWrite512],
        Seeds = [1],
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Base plus <paramref name="seals"/> sealed layers, each with its own writes, and writes in the top; returns the snapshot models and the current model.</summary>
    private static async Task<(List<byte[]> Snapshots, byte[] Current)> SetupAsync(CrashingStorage storage, int seals, CancellationToken cancellationToken)
    {
        var model = await ChainTestData.CreateBaseAsync(storage, BasePath, VirtualSize, 128 * 1024, cancellationToken);
        var snapshots = new List<byte[]>();
        await using var store = await LayerStore.CreateAsync(storage, Directory, BasePath, ChainTestData.BaseAddress, null, cancellationToken);
        var device = await store.OpenLiveDeviceAsync(cancellationToken);
        for (var round = 0; round <= seals; round++)
        {
            await ChainTestData.WriteAsync(device, model, (round * 1024 * 1024) + 1536, 8192, (byte)(0x20 + round), cancellationToken);
            if (round == 0)
            {
                await ChainTestData.WriteAsync(device, model, 64 * 1024, 1024, 0x60, cancellationToken);
            }
            if (round < seals)
            {
                _ = await store.SealAsync(cancellationToken);
                snapshots.Add((byte[])model.Clone());
                device = store.LiveDevice!;
            }
        }

        return (snapshots, model);
    }

    private static async Task<LayerStore> VerifyRecoveredAsync(IStorage storage, byte[] current, CancellationToken cancellationToken)
    {
        var store = await LayerStore.OpenAsync(storage, Directory, null, cancellationToken);
        (await ChainTestData.ReadChainAsync(storage, store.PathOf(store.Manifest.Top), cancellationToken)).ShouldBe(current);
        await ChainTestData.ShouldBeTidyAsync(storage, store, cancellationToken);
        return await LayerStore.OpenAsync(storage, Directory, null, cancellationToken);
    }

    [Fact]
    public async Task SealAsync_CrashAtEveryOperation_RecoversBeforeOrAfter()
    {
        var expected = new (List<byte[]> Snapshots, byte[] Current)[1];
        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await using var store = await LayerStore.OpenAsync(storage, Directory, null, cancellationToken);
                _ = await store.SealAsync(cancellationToken);
            },
            async (storage, point, cancellationToken) =>
            {
                var (snapshots, current) = expected[0];
                await using var store = await VerifyRecoveredAsync(storage, current, cancellationToken);
                var layers = store.Manifest.CurrentChain();
                layers.Count.ShouldBeInRange(point.OperationCompleted ? 3 : 2, 3);
                if (layers.Count == 3)
                {
                    (await ChainTestData.ReadSnapshotAsync(store, layers[2].Id, cancellationToken)).ShouldBe(current);
                }

                (await ChainTestData.ReadSnapshotAsync(store, layers[1].Id, cancellationToken)).ShouldBe(snapshots[1]);

                // The recovered store works: a seal after recovery succeeds.
                _ = await store.SealAsync(cancellationToken);
            },
            Token,
            Modes with { Setup = async (storage, cancellationToken) => expected[0] = await SetupAsync(storage, 2, cancellationToken) });

        summary.TotalOperations.ShouldBeGreaterThan(6);
    }

    [Fact]
    public async Task MergeAsync_CrashAtEveryOperation_RecoversBeforeOrAfter()
    {
        var expected = new (List<byte[]> Snapshots, byte[] Current)[1];
        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await using var store = await LayerStore.OpenAsync(storage, Directory, null, cancellationToken);
                var chain = store.Manifest.CurrentChain();
                _ = await store.MergeAsync(chain[0].Id, chain[1].Id, cancellationToken);
            },
            async (storage, point, cancellationToken) =>
            {
                var (snapshots, current) = expected[0];
                await using var store = await VerifyRecoveredAsync(storage, current, cancellationToken);
                var layers = store.Manifest.CurrentChain();
                layers.Count.ShouldBeInRange(1, point.OperationCompleted ? 1 : 2);

                // Before: L1, L2; after: M(L1+L2). Either way the upper snapshot reads as it did.
                (await ChainTestData.ReadSnapshotAsync(store, layers[^1].Id, cancellationToken)).ShouldBe(snapshots[1]);
            },
            Token,
            Modes with { Setup = async (storage, cancellationToken) => expected[0] = await SetupAsync(storage, 2, cancellationToken) });

        summary.TotalOperations.ShouldBeGreaterThan(10);
    }
}
