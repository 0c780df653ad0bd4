using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Storage;

/// <summary>The crash double's durability model, one materialisation mode at a time.</summary>
public sealed class CrashingStorageTests
{
    private const string Directory = "/d";
    private const string FilePath = "/d/f";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>A storage holding <see cref="FilePath"/> durably with <paramref name="content"/>.</summary>
    private static async Task<CrashingStorage> WithDurableFileAsync(byte[] content)
    {
        var storage = new CrashingStorage();
        storage.CreateDirectory(Directory);
        await using (var file = await storage.OpenAsync(FilePath, StorageOpenMode.CreateNew, Token))
        {
            await file.WriteAsync(0, content, Token);
            await file.FlushAsync(Token);
        }

        await storage.FlushDirectoryAsync(Directory, Token);
        return storage;
    }

    private static async Task OverwriteAsync(CrashingStorage storage, long offset, byte[] data, bool flush)
    {
        await using var file = await storage.OpenAsync(FilePath, StorageOpenMode.OpenReadWrite, Token);
        await file.WriteAsync(offset, data, Token);
        if (flush)
        {
            await file.FlushAsync(Token);
        }
    }

    [Fact]
    public async Task Materialise_DropUnflushed_LosesUnflushedWriteKeepsFlushedOne()
    {
        var storage = await WithDurableFileAsync(Filled(1024, 1));
        await OverwriteAsync(storage, 0, Filled(512, 2), flush: true);
        await OverwriteAsync(storage, 512, Filled(512, 3), flush: false);

        var rebooted = storage.Materialise(CrashMode.DropUnflushed);

        rebooted.GetBytes(FilePath).ShouldBe([.. Filled(512, 2), .. Filled(512, 1)]);
    }

    [Fact]
    public async Task Materialise_KeepUnflushed_KeepsUnflushedWrite()
    {
        var storage = await WithDurableFileAsync(Filled(1024, 1));
        await OverwriteAsync(storage, 512, Filled(1024, 3), flush: false);

        var rebooted = storage.Materialise(CrashMode.KeepUnflushed);

        rebooted.GetBytes(FilePath).ShouldBe([.. Filled(512, 1), .. Filled(1024, 3)]);
    }

    [Fact]
    public async Task Materialise_DropUnflushed_LosesUnflushedLengthChange()
    {
        var storage = await WithDurableFileAsync(Filled(4096, 1));
        await using (var file = await storage.OpenAsync(FilePath, StorageOpenMode.OpenReadWrite, Token))
        {
            await file.SetLengthAsync(10, Token);
        }

        storage.Materialise(CrashMode.DropUnflushed).GetBytes(FilePath).Length.ShouldBe(4096);
        storage.Materialise(CrashMode.KeepUnflushed).GetBytes(FilePath).Length.ShouldBe(10);
    }

    [Fact]
    public async Task Materialise_KeepRandomSubset_EverySectorIsWhollyOldOrNewAndSeedsDiffer()
    {
        var storage = await WithDurableFileAsync(Filled(8 * 512, 1));
        await OverwriteAsync(storage, 0, Filled(8 * 512, 2), flush: false);
        var patterns = new HashSet<string>();

        for (var seed = 0; seed < 16; seed++)
        {
            var bytes = storage.Materialise(CrashMode.KeepRandomSubset, seed).GetBytes(FilePath);
            var sectors = bytes.Chunk(512).Select(sector => sector.Distinct().Single()).ToArray();
            sectors.ShouldAllBe(value => value == 1 || value == 2);
            _ = patterns.Add(string.Concat(sectors));
        }

        // 16 seeds over 8 independent sectors: a constant pattern would mean no randomness at all.
        patterns.Count.ShouldBeGreaterThan(4);
    }

    [Fact]
    public async Task Materialise_SameModeAndSeed_GivesTheSameState()
    {
        var storage = await WithDurableFileAsync(Filled(8 * 512, 1));
        await OverwriteAsync(storage, 100, Filled(7 * 512, 2), flush: false);

        var first = storage.Materialise(CrashMode.KeepRandomSubset, 42).GetBytes(FilePath);
        var second = storage.Materialise(CrashMode.KeepRandomSubset, 42).GetBytes(FilePath);

        second.ShouldBe(first);
    }

    [Fact]
    public async Task Materialise_TearLastWrite512_ShowsOldAndNewHalves()
    {
        var storage = await WithDurableFileAsync(Filled(1024, 0xAA));
        await OverwriteAsync(storage, 0, Filled(1024, 0xBB), flush: false);

        for (var seed = 0; seed < 8; seed++)
        {
            var bytes = storage.Materialise(CrashMode.TearLastWrite512, seed).GetBytes(FilePath);

            var halves = bytes.Chunk(512).Select(half => half.Distinct().Single()).ToArray();
            halves.Order().ToArray().ShouldBe(new byte[] { 0xAA, 0xBB }, $"seed {seed}");
        }
    }

    [Fact]
    public async Task Materialise_TearLastWrite4096_TearsOnlyAt4KiBBoundaries()
    {
        var storage = await WithDurableFileAsync(Filled(8192, 0xAA));
        await OverwriteAsync(storage, 0, Filled(8192, 0xBB), flush: false);

        for (var seed = 0; seed < 8; seed++)
        {
            var bytes = storage.Materialise(CrashMode.TearLastWrite4096, seed).GetBytes(FilePath);

            var pages = bytes.Chunk(4096).Select(page => page.Distinct().Single()).ToArray();
            pages.Order().ToArray().ShouldBe(new byte[] { 0xAA, 0xBB }, $"seed {seed}");
        }
    }

    [Fact]
    public async Task Materialise_TearLastWrite512_TearsOnlyTheLastWrite()
    {
        var storage = await WithDurableFileAsync(Filled(2048, 0xAA));
        await OverwriteAsync(storage, 0, Filled(1024, 0xBB), flush: false);
        await OverwriteAsync(storage, 1024, Filled(1024, 0xCC), flush: false);

        var bytes = storage.Materialise(CrashMode.TearLastWrite512, 3).GetBytes(FilePath);

        bytes[..1024].ShouldAllBe(value => value == 0xBB);
        bytes[1024..].Chunk(512).Select(half => half[0]).Order().ShouldBe(new byte[] { 0xAA, 0xCC });
    }

    [Fact]
    public async Task Materialise_LoseUnflushedNames_LosesRenameButKeepsData()
    {
        var storage = await WithDurableFileAsync(Filled(10, 1));
        await OverwriteAsync(storage, 0, Filled(10, 2), flush: false);
        await storage.RenameAsync(FilePath, "/d/g", Token);

        var rebooted = storage.Materialise(CrashMode.LoseUnflushedNames);

        rebooted.FileExists("/d/g").ShouldBeFalse();
        rebooted.GetBytes(FilePath).ShouldBe(Filled(10, 2));
    }

    [Fact]
    public async Task Materialise_DropUnflushed_LosesCreateWhoseDirectoryWasNotFlushed()
    {
        var storage = new CrashingStorage();
        storage.CreateDirectory(Directory);
        await using (var file = await storage.OpenAsync(FilePath, StorageOpenMode.CreateNew, Token))
        {
            await file.WriteAsync(0, Filled(10, 1), Token);
            await file.FlushAsync(Token);
        }

        storage.Materialise(CrashMode.DropUnflushed).FileExists(FilePath).ShouldBeFalse();
        storage.Materialise(CrashMode.KeepUnflushed).GetBytes(FilePath).ShouldBe(Filled(10, 1));
    }

    [Fact]
    public async Task Materialise_DropUnflushed_UndoesUnflushedDelete()
    {
        var storage = await WithDurableFileAsync(Filled(10, 1));

        await storage.DeleteAsync(FilePath, Token);

        storage.Materialise(CrashMode.DropUnflushed).GetBytes(FilePath).ShouldBe(Filled(10, 1));
        storage.Materialise(CrashMode.KeepUnflushed).FileExists(FilePath).ShouldBeFalse();
    }

    [Fact]
    public async Task FlushDirectoryAsync_AfterRename_MakesRenameDurable()
    {
        var storage = await WithDurableFileAsync(Filled(10, 1));
        await storage.RenameAsync(FilePath, "/d/g", Token);

        await storage.FlushDirectoryAsync(Directory, Token);
        var rebooted = storage.Materialise(CrashMode.DropUnflushed);

        rebooted.FileExists(FilePath).ShouldBeFalse();
        rebooted.GetBytes("/d/g").ShouldBe(Filled(10, 1));
    }

    [Fact]
    public async Task FlushDirectoryAsync_OtherDirectory_LeavesRenameUnflushed()
    {
        var storage = await WithDurableFileAsync(Filled(10, 1));
        storage.CreateDirectory("/other");
        await storage.RenameAsync(FilePath, "/d/g", Token);

        await storage.FlushDirectoryAsync("/other", Token);

        storage.Materialise(CrashMode.DropUnflushed).FileExists(FilePath).ShouldBeTrue();
    }

    [Fact]
    public async Task FlushDirectoryAsync_EitherSideOfCrossDirectoryRename_MakesItDurable()
    {
        var storage = await WithDurableFileAsync(Filled(10, 1));
        storage.CreateDirectory("/e");
        await storage.RenameAsync(FilePath, "/e/g", Token);

        await storage.FlushDirectoryAsync("/e", Token);
        var rebooted = storage.Materialise(CrashMode.DropUnflushed);

        rebooted.FileExists(FilePath).ShouldBeFalse();
        rebooted.GetBytes("/e/g").ShouldBe(Filled(10, 1));
    }

    [Fact]
    public async Task Materialise_KeepRandomSubset_KeepsNameOperationsAsAPrefix()
    {
        var storage = await WithDurableFileAsync(Filled(10, 1));
        await storage.RenameAsync(FilePath, "/d/g", Token);
        await storage.RenameAsync("/d/g", "/d/h", Token);
        var seen = new HashSet<string>();

        for (var seed = 0; seed < 16; seed++)
        {
            var names = storage.Materialise(CrashMode.KeepRandomSubset, seed).ListFiles(Directory);
            names.Count.ShouldBe(1);
            _ = seen.Add(names[0]);
        }

        seen.Order(StringComparer.Ordinal).ShouldBe(["/d/f", "/d/g", "/d/h"]);
    }

    [Fact]
    public async Task CrashAfter_RefusesTheNextOperationWithoutEffectAndAllIoAfterIt()
    {
        var storage = await WithDurableFileAsync(Filled(4, 1));
        var file = await storage.OpenAsync(FilePath, StorageOpenMode.OpenReadWrite, Token);
        storage.CrashAfter(1);

        await file.WriteAsync(0, new byte[] { 2 }, Token);
        await Should.ThrowAsync<StorageCrashedException>(async () => await file.WriteAsync(1, new byte[] { 3 }, Token));
        await Should.ThrowAsync<StorageCrashedException>(async () => await file.ReadAsync(0, new byte[1], Token));
        Should.Throw<StorageCrashedException>(() => storage.FileExists(FilePath));
        await file.DisposeAsync();

        storage.HasCrashed.ShouldBeTrue();
        storage.RefusedOperation.ShouldNotBeNull().ShouldContain("write /d/f [1, 2)");
        storage.Materialise(CrashMode.KeepUnflushed).GetBytes(FilePath).ShouldBe(new byte[] { 2, 1, 1, 1 });
    }

    [Fact]
    public async Task OperationCount_CountsDurableOperationsOnly()
    {
        var storage = new CrashingStorage();
        storage.CreateDirectory(Directory);

        await using (var file = await storage.OpenAsync(FilePath, StorageOpenMode.CreateNew, Token))
        {
            await file.WriteAsync(0, new byte[] { 1 }, Token);
            await file.SetLengthAsync(2, Token);
            _ = await file.ReadAsync(0, new byte[2], Token);
            _ = file.Length;
            await file.FlushAsync(Token);
        }

        await using (var reader = await storage.OpenAsync(FilePath, StorageOpenMode.OpenReadOnly, Token))
        {
            _ = await reader.ReadAsync(0, new byte[2], Token);
        }

        await storage.RenameAsync(FilePath, "/d/g", Token);
        await storage.DeleteAsync("/d/g", Token);
        await storage.FlushDirectoryAsync(Directory, Token);
        _ = storage.FileExists(FilePath);
        _ = storage.ListFiles(Directory);

        storage.OperationCount.ShouldBe(7);
        storage.FileFlushCount.ShouldBe(1);
        storage.DirectoryFlushCount.ShouldBe(1);
        storage.FlushCount.ShouldBe(2);
        storage.OperationLog.Count.ShouldBe(7);
    }

    [Fact]
    public async Task Fork_KeepsUnflushedChangesUnflushed()
    {
        var storage = await WithDurableFileAsync(Filled(4, 1));
        await OverwriteAsync(storage, 0, Filled(4, 2), flush: false);

        var forked = storage.Fork();
        await OverwriteAsync(forked, 0, Filled(1, 3), flush: false);

        forked.GetBytes(FilePath).ShouldBe(new byte[] { 3, 2, 2, 2 });
        forked.Materialise(CrashMode.DropUnflushed).GetBytes(FilePath).ShouldBe(Filled(4, 1));
        storage.GetBytes(FilePath).ShouldBe(Filled(4, 2));
    }

    [Fact]
    public async Task Materialise_Rebooted_IsFullyDurable()
    {
        var storage = await WithDurableFileAsync(Filled(4, 1));
        await OverwriteAsync(storage, 0, Filled(4, 2), flush: false);

        var rebooted = storage.Materialise(CrashMode.KeepUnflushed).Materialise(CrashMode.DropUnflushed);

        rebooted.GetBytes(FilePath).ShouldBe(Filled(4, 2));
    }
}
