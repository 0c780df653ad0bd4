using System.Buffers.Binary;
using Broker.Disks.State;
using Broker.Testing;
using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.State;

public sealed class TwinCopyStoreTests
{
    private const string StorePath = "/agent/state/manifest";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task CommitAllAsync(IStorage storage, params byte[][] values)
    {
        await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);
        foreach (var value in values)
        {
            await store.CommitAsync(value, Token);
        }
    }

    private static async Task<(ulong Sequence, byte[] Value)> ReopenAsync(IStorage storage)
    {
        await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);
        return (store.Sequence, store.Value.ToArray());
    }

    [Fact]
    public async Task OpenAsync_NewStore_IsEmptyAndWritesNothing()
    {
        var storage = new CrashingStorage();

        await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);

        store.IsEmpty.ShouldBeTrue();
        store.Sequence.ShouldBe(0ul);
        store.Value.Length.ShouldBe(0);
        storage.OperationCount.ShouldBe(0);
        storage.ListFiles("/agent/state").ShouldBeEmpty();
    }

    [Fact]
    public async Task CommitAsync_SeveralValuesThenReopen_ReturnsTheLastCommitted()
    {
        var storage = new CrashingStorage();
        var last = StateValues.Make(4, 10);

        await CommitAllAsync(storage, StateValues.Make(1, 100), StateValues.Make(2, 5000), StateValues.Make(3, 700), last);
        var (sequence, value) = await ReopenAsync(storage.Materialise(CrashMode.DropUnflushed));

        sequence.ShouldBe(4ul);
        value.ShouldBe(last);
    }

    [Fact]
    public async Task CommitAsync_EmptyValue_IsCommittedAndNotEmpty()
    {
        var storage = new CrashingStorage();

        await CommitAllAsync(storage, Array.Empty<byte>());
        await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);

        store.IsEmpty.ShouldBeFalse();
        store.Sequence.ShouldBe(1ul);
        store.Value.Length.ShouldBe(0);
    }

    [Fact]
    public async Task CommitAsync_EveryTransaction_FlushesAtMostFourTimes()
    {
        var storage = new CrashingStorage();
        await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);
        var flushes = new List<int>();

        for (var tag = 1; tag <= 6; tag++)
        {
            var before = storage.FlushCount;
            await store.CommitAsync(StateValues.Make(tag, tag * 1000), Token);
            flushes.Add(storage.FlushCount - before);
        }

        flushes.ShouldAllBe(count => count >= 1 && count <= 4);
        // Creating a copy file costs a file and a directory flush; afterwards one flush per commit.
        flushes.ShouldBe([2, 2, 1, 1, 1, 1]);
    }

    [Fact]
    public async Task CommitAsync_InSteadyState_WritesOnlyTheOlderCopy()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 10), StateValues.Make(2, 10));
        var copyOne = storage.GetBytes(StorePath + ".1");

        await CommitAllAsync(storage, StateValues.Make(3, 10));

        storage.GetBytes(StorePath + ".1").ShouldBe(copyOne);
        storage.FileExists(StorePath + ".new").ShouldBeFalse();
    }

    [Fact]
    public async Task OpenAsync_NewestCopyCorrupt_FallsBackToTheOtherAndNextCommitSucceeds()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 300), StateValues.Make(2, 300));
        var newest = storage.GetBytes(StorePath + ".1");
        newest[TwinCopyHeader.Size + 10] ^= 0x01;
        storage.SetDurableBytes(StorePath + ".1", newest);

        var (sequence, value) = await ReopenAsync(storage);
        await CommitAllAsync(storage, StateValues.Make(3, 300));
        var (nextSequence, nextValue) = await ReopenAsync(storage);

        sequence.ShouldBe(1ul);
        value.ShouldBe(StateValues.Make(1, 300));
        nextSequence.ShouldBe(2ul);
        nextValue.ShouldBe(StateValues.Make(3, 300));
    }

    [Fact]
    public async Task OpenAsync_BothCopiesCorrupt_ThrowsStateStoreCorruptNamingBoth()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 300), StateValues.Make(2, 300));
        var first = storage.GetBytes(StorePath + ".0");
        first[TwinCopyHeader.ChecksumOffset] ^= 0x80;
        storage.SetDurableBytes(StorePath + ".0", first);
        storage.SetDurableBytes(StorePath + ".1", new byte[10]);

        var exception = await Should.ThrowAsync<StateStoreCorruptException>(async () => await TwinCopyStore.OpenAsync(storage, StorePath, Token));

        exception.StorePath.ShouldBe(StorePath);
        exception.Message.ShouldContain($"'{StorePath}.0': checksum mismatch");
        exception.Message.ShouldContain($"'{StorePath}.1': 10 bytes, shorter than the 24-byte header");
    }

    [Fact]
    public async Task OpenAsync_OnlyCopyHasHugeLengthField_ThrowsStateStoreCorrupt()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 300));
        var copy = storage.GetBytes(StorePath + ".0");
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(TwinCopyHeader.PayloadLengthOffset), uint.MaxValue);
        storage.SetDurableBytes(StorePath + ".0", copy);

        var exception = await Should.ThrowAsync<StateStoreCorruptException>(async () => await TwinCopyStore.OpenAsync(storage, StorePath, Token));

        exception.Message.ShouldContain("value length over");
    }

    [Fact]
    public async Task OpenAsync_LengthFieldPastEndOfFile_ThrowsStateStoreCorrupt()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 300));
        var copy = storage.GetBytes(StorePath + ".0");
        storage.SetDurableBytes(StorePath + ".0", copy.AsSpan(0, 200));

        var exception = await Should.ThrowAsync<StateStoreCorruptException>(async () => await TwinCopyStore.OpenAsync(storage, StorePath, Token));

        exception.Message.ShouldContain("runs past the end");
    }

    [Fact]
    public async Task OpenAsync_StaleStagingFile_IsIgnoredAndReplaced()
    {
        var storage = new CrashingStorage();
        storage.SetDurableBytes(StorePath + ".new", StateValues.Make(9, 50));

        await using (var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token))
        {
            store.IsEmpty.ShouldBeTrue();
            await store.CommitAsync(StateValues.Make(1, 20), Token);
        }

        (await ReopenAsync(storage)).Value.ShouldBe(StateValues.Make(1, 20));
        storage.FileExists(StorePath + ".new").ShouldBeFalse();
    }

    [Fact]
    public async Task OpenAsync_SecondStoreWhileFirstIsOpen_ThrowsIOException()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 20));
        await using var first = await TwinCopyStore.OpenAsync(storage, StorePath, Token);

        await Should.ThrowAsync<IOException>(async () => await TwinCopyStore.OpenAsync(storage, StorePath, Token));
    }

    [Fact]
    public async Task OpenAsync_AfterProcessCrashBeforeFlush_MakesTheValueItReportsDurable()
    {
        var storage = new CrashingStorage();
        await CommitAllAsync(storage, StateValues.Make(1, 20), StateValues.Make(2, 20));
        await using (var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token))
        {
            storage.CrashAfter(1); // the in-place write lands in the cache; its flush never happens
            await Should.ThrowAsync<StorageCrashedException>(async () => await store.CommitAsync(StateValues.Make(3, 20), Token));
        }

        var restarted = storage.Fork();
        var (sequence, value) = await ReopenAsync(restarted);
        var (sequenceAfterPowerLoss, valueAfterPowerLoss) = await ReopenAsync(restarted.Materialise(CrashMode.DropUnflushed));

        sequence.ShouldBe(3ul);
        value.ShouldBe(StateValues.Make(3, 20));
        sequenceAfterPowerLoss.ShouldBe(3ul);
        valueAfterPowerLoss.ShouldBe(value);
    }

    [Fact]
    public async Task CommitAsync_ValueOverLimit_ThrowsAndKeepsTheCommittedValue()
    {
        var storage = new CrashingStorage();
        await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);
        await store.CommitAsync(StateValues.Make(1, 20), Token);

        await Should.ThrowAsync<ArgumentOutOfRangeException>(async () => await store.CommitAsync(new byte[TwinCopyStore.MaxValueLength + 1], Token));

        store.Sequence.ShouldBe(1ul);
        store.Value.ToArray().ShouldBe(StateValues.Make(1, 20));
    }

    [Fact]
    public async Task CommitAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var store = await TwinCopyStore.OpenAsync(new CrashingStorage(), StorePath, Token);
        await store.DisposeAsync();

        await Should.ThrowAsync<ObjectDisposedException>(async () => await store.CommitAsync(StateValues.Make(1, 1), Token));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentIncrements_LoseNone()
    {
        const int Writers = 8;
        const int Increments = 25;
        var storage = new CrashingStorage();
        var store = await TwinCopyStore.OpenAsync(storage, StorePath, Token);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                for (var round = 0; round < Increments; round++)
                {
                    _ = await store.UpdateAsync(value => StateValues.Counter(StateValues.ReadCounter(value) + 1), Token);
                }
            },
            Token)));

        StateValues.ReadCounter(store.Value).ShouldBe(Writers * Increments);
        store.Sequence.ShouldBe((ulong)(Writers * Increments));
        await store.DisposeAsync();
        StateValues.ReadCounter((await ReopenAsync(storage)).Value).ShouldBe(Writers * Increments);
    }

    [Fact]
    public async Task Value_ReadWhileCommitting_IsAlwaysACommittedSnapshot()
    {
        const int Commits = 200;
        await using var store = await TwinCopyStore.OpenAsync(new CrashingStorage(), StorePath, Token);
        var writer = Task.Run(
            async () =>
            {
                for (var counter = 1; counter <= Commits; counter++)
                {
                    await store.CommitAsync(StateValues.Counter(counter), Token);
                }
            },
            Token);

        var last = 0L;
        while (!writer.IsCompleted)
        {
            // Sequence n always holds counter n here; a snapshot mixing two commits would break that.
            var sequence = store.Sequence;
            var value = StateValues.ReadCounter(store.Value);
            value.ShouldBeGreaterThanOrEqualTo(last);
            value.ShouldBeGreaterThanOrEqualTo((long)sequence);
            last = value;
            await Task.Yield();
        }

        await writer;
        StateValues.ReadCounter(store.Value).ShouldBe(Commits);
    }

    [Fact]
    public async Task CommitAsync_OnFileStorage_RoundTripsAndLeavesTwoCopies()
    {
        using var directory = new TempDirectory("broker-state-");
        var path = directory.File("manifest");

        await using (var store = await TwinCopyStore.OpenAsync(FileStorage.Instance, path, Token))
        {
            await store.CommitAsync(StateValues.Make(1, 5000), Token);
            await store.CommitAsync(StateValues.Make(2, 100), Token);
            await store.CommitAsync(StateValues.Make(3, 40), Token);
        }

        await using var reopened = await TwinCopyStore.OpenAsync(FileStorage.Instance, path, Token);

        reopened.Sequence.ShouldBe(3ul);
        reopened.Value.ToArray().ShouldBe(StateValues.Make(3, 40));
        Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["manifest.0", "manifest.1"]);
        new FileInfo(path + ".0").Length.ShouldBe(TwinCopyHeader.Size + 40);
    }
}
