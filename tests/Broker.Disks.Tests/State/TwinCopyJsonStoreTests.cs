using System.Text;
using Broker.Disks.State;
using Broker.Testing.Storage;

namespace Broker.Disks.Tests.State;

public sealed class TwinCopyJsonStoreTests
{
    private const string StorePath = "/agent/desktops/d1/chain";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static TestState Manifest(long epoch, params string[] layers) => new("d1", epoch, layers);

    private static void ShouldMatch(TestState? actual, TestState? expected)
    {
        var value = actual.ShouldNotBeNull();
        value.DesktopId.ShouldBe(expected.ShouldNotBeNull().DesktopId);
        value.Epoch.ShouldBe(expected.Epoch);
        value.Layers.ShouldBe(expected.Layers);
    }

    [Fact]
    public async Task OpenAsync_NewStore_ReadsDefault()
    {
        await using var store = await TwinCopyStore.OpenJsonAsync(new CrashingStorage(), StorePath, TestStateJsonContext.Default.TestState, Token);

        store.IsEmpty.ShouldBeTrue();
        store.Read().ShouldBeNull();
    }

    [Fact]
    public async Task CommitAsync_ThenReopenAfterPowerLoss_ReadsTheCommittedRecord()
    {
        var storage = new CrashingStorage();
        await using (var store = await TwinCopyStore.OpenJsonAsync(storage, StorePath, TestStateJsonContext.Default.TestState, Token))
        {
            await store.CommitAsync(Manifest(1, "base"), Token);
            await store.CommitAsync(Manifest(2, "base", "L1"), Token);
        }

        await using var reopened = await TwinCopyStore.OpenJsonAsync(
            storage.Materialise(CrashMode.DropUnflushed), StorePath, TestStateJsonContext.Default.TestState, Token);

        reopened.Sequence.ShouldBe(2ul);
        ShouldMatch(reopened.Read(), Manifest(2, "base", "L1"));
    }

    [Fact]
    public async Task Read_EveryCall_ReturnsAFreshInstance()
    {
        await using var store = await TwinCopyStore.OpenJsonAsync(new CrashingStorage(), StorePath, TestStateJsonContext.Default.TestState, Token);
        await store.CommitAsync(Manifest(1, "base"), Token);

        var first = store.Read();
        var second = store.Read();

        first.ShouldNotBeSameAs(second);
        ShouldMatch(second, first);
    }

    [Fact]
    public async Task UpdateAsync_AppendsToTheCommittedRecord()
    {
        await using var store = await TwinCopyStore.OpenJsonAsync(new CrashingStorage(), StorePath, TestStateJsonContext.Default.TestState, Token);
        await store.CommitAsync(Manifest(1, "base"), Token);

        var updated = await store.UpdateAsync(state => state! with { Epoch = state.Epoch + 1, Layers = [.. state.Layers, "L1"] }, Token);

        ShouldMatch(updated, Manifest(2, "base", "L1"));
        ShouldMatch(store.Read(), updated);
        store.Sequence.ShouldBe(2ul);
    }

    [Fact]
    public async Task UpdateAsync_OnEmptyStore_GetsDefault()
    {
        await using var store = await TwinCopyStore.OpenJsonAsync(new CrashingStorage(), StorePath, TestStateJsonContext.Default.TestState, Token);
        TestState? seen = Manifest(99);

        _ = await store.UpdateAsync(state => (seen = state) ?? Manifest(1, "base"), Token);

        seen.ShouldBeNull();
        ShouldMatch(store.Read(), Manifest(1, "base"));
    }

    [Fact]
    public async Task OpenAsync_ValidCopyThatIsNotJson_ThrowsStateStoreCorrupt()
    {
        var storage = new CrashingStorage();
        await using (var raw = await TwinCopyStore.OpenAsync(storage, StorePath, Token))
        {
            await raw.CommitAsync(Encoding.UTF8.GetBytes("{\"DesktopId\": "), Token);
        }

        var exception = await Should.ThrowAsync<StateStoreCorruptException>(async () =>
            await TwinCopyStore.OpenJsonAsync(storage, StorePath, TestStateJsonContext.Default.TestState, Token));

        exception.Message.ShouldContain("not a valid TestState");
        // The failed open released the copy files.
        await using var again = await TwinCopyStore.OpenAsync(storage, StorePath, Token);
    }

    [Fact]
    public async Task CommitAsync_CrashAtEveryOperationInEveryMode_ReadsBeforeOrAfter()
    {
        var before = Manifest(1, "base");
        var after = Manifest(2, "base", "L1");

        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await using var store = await TwinCopyStore.OpenJsonAsync(storage, StorePath, TestStateJsonContext.Default.TestState, cancellationToken);
                await store.CommitAsync(after, cancellationToken);
            },
            async (storage, point, cancellationToken) =>
            {
                await using var store = await TwinCopyStore.OpenJsonAsync(storage, StorePath, TestStateJsonContext.Default.TestState, cancellationToken);
                var state = store.Read().ShouldNotBeNull();
                state.Epoch.ShouldBeInRange(point.OperationCompleted ? 2 : 1, 2);
                ShouldMatch(state, state.Epoch == 1 ? before : after);
            },
            Token,
            new CrashTestOptions
            {
                Setup = async (storage, cancellationToken) =>
                {
                    await using var store = await TwinCopyStore.OpenJsonAsync(storage, StorePath, TestStateJsonContext.Default.TestState, cancellationToken);
                    await store.CommitAsync(before, cancellationToken);
                },
            });

        summary.CrashPoints.ShouldBeGreaterThan(4);
    }
}
