using Broker.Testing.Storage;
using Broker.Vhdx.Tests.Crash;

namespace Broker.Vhdx.Tests;

public sealed class ReserveBlocksTests
{
    private const string Path = "/d/disk.vhdx";
    private const long VirtualSize = 8L << 20;

    /// <summary>The crash test's disk: small, since every crash point reads it whole.</summary>
    private const long SmallSize = 4L << 20;
    private const int BlockSize = 1 << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReserveBlocksAsync_DynamicFile_BlocksReadZeroAndWritesIntoThemPersist()
    {
        var storage = new CrashingStorage();
        await CrashDisks.CreateAsync(storage, Path, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), [DiskWrite.Pattern(0, 4096, seed: 1)], Token);
        var written = DiskWrite.Pattern(BlockSize + 8192, 4096, seed: 2);
        await using (var file = await VhdxFile.OpenAsync(storage, Path, new VhdxOpenOptions { ReadOnly = false }, Token))
        {
            // Blocks 0 (held: unchanged), 1 and 2 (reserved).
            await file.ReserveBlocksAsync(100, (2 * BlockSize) + 50, Token);
            (await file.GetAllocationAsync(Token)).Select(extent => (extent.Offset, extent.Length)).ShouldBe([(0L, 3L * BlockSize)]);
            await file.FlushAsync(Token);
            await file.WriteAsync(written.Offset, written.Data, Token);
        }

        (await CrashDisks.ReadAllAsync(storage, Path, Token)).ShouldBe(CrashDisks.Image(VirtualSize, DiskWrite.Pattern(0, 4096, seed: 1), written));
        await CrashDisks.ShouldCheckCleanAsync(storage, Path, Token);
    }

    [Fact]
    public async Task FlushPayloadAsync_WritesIntoReservedBlocks_PendNoMetadataAndSurviveAPowerCut()
    {
        var storage = new CrashingStorage();
        await CrashDisks.CreateAsync(storage, Path, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), [], Token);
        var reserved = DiskWrite.Pattern(BlockSize + 4096, 8192, seed: 3);
        var file = await VhdxFile.OpenAsync(storage, Path, new VhdxOpenOptions { ReadOnly = false }, Token);
        await file.ReserveBlocksAsync(BlockSize, BlockSize, Token);
        await file.FlushAsync(Token);
        file.HasPendingMetadata.ShouldBeFalse();

        await file.WriteAsync(reserved.Offset, reserved.Data, Token);
        file.HasPendingMetadata.ShouldBeFalse();
        await file.FlushPayloadAsync(Token);
        await file.WriteAsync(3L * BlockSize, new byte[4096], Token);
        file.HasPendingMetadata.ShouldBeTrue();

        // Power cut before the file is flushed or closed: only the payload flush made anything durable.
        storage.Crash();
        var rebooted = storage.Materialise(CrashMode.DropUnflushed, 0);
        (await CrashDisks.ReadAllAsync(rebooted, Path, Token)).ShouldBe(CrashDisks.Image(VirtualSize, reserved));
    }

    [Fact]
    public async Task ReserveBlocksAsync_CrashedAnywhere_ReadsZeroChecksCleanAndHoldsTheBlocksOnceFlushed()
    {
        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await using var file = await VhdxFile.OpenAsync(storage, Path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken);
                await file.ReserveBlocksAsync(BlockSize, 2 * BlockSize, cancellationToken);
                await file.FlushAsync(cancellationToken);
            },
            async (storage, point, cancellationToken) =>
            {
                await (await VhdxFile.OpenAsync(storage, Path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken)).DisposeAsync();
                await CrashDisks.ShouldCheckCleanAsync(storage, Path, cancellationToken);
                (await CrashDisks.ReadAllAsync(storage, Path, cancellationToken)).ShouldAllBe(value => value == 0, point.ToString());
                if (point.OperationCompleted)
                {
                    await using var file = await VhdxFile.OpenAsync(storage, Path, null, cancellationToken);
                    (await file.GetAllocationAsync(cancellationToken)).Select(extent => (extent.Offset, extent.Length)).ShouldBe([((long)BlockSize, 2L * BlockSize)]);
                }
            },
            Token,
            new CrashTestOptions { Setup = (storage, cancellationToken) => CrashDisks.CreateAsync(storage, Path, VhdxCreateOptions.Dynamic(SmallSize, BlockSize), [], cancellationToken) });

        summary.TotalOperations.ShouldBeGreaterThan(3);
    }

    [Fact]
    public async Task ReserveBlocksAsync_DifferencingFile_Refused()
    {
        var storage = new CrashingStorage();
        await CrashDisks.CreateAsync(storage, "/d/parent.vhdx", VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), [], Token);
        await CrashDisks.CreateAsync(storage, Path, VhdxCreateOptions.Differencing("/d/parent.vhdx"), [], Token);
        await using var file = await VhdxFile.OpenAsync(storage, Path, new VhdxOpenOptions { ReadOnly = false }, Token);

        _ = await Should.ThrowAsync<InvalidOperationException>(() => file.ReserveBlocksAsync(0, BlockSize, Token).AsTask());
    }
}
