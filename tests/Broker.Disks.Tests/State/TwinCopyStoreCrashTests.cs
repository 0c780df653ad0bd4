using Broker.Disks.State;
using Broker.Testing.Storage;

namespace Broker.Disks.Tests.State;

/// <summary>
/// Crash injection at every durable I/O of open-and-commit, in every materialisation mode: the
/// reopened store holds the value before or after the commit, never anything else and never an
/// error, and the next commit after recovery succeeds.
/// </summary>
public sealed class TwinCopyStoreCrashTests
{
    private const string StorePath = "/agent/state/progress";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Value of the <paramref name="commit"/>-th commit before the crashing one; lengths vary so copies grow and shrink.</summary>
    private static byte[] PriorValue(int commit) => StateValues.Make(commit, (commit * 1300) % 6000 + 30);

    [Theory]
    [InlineData(0, 100)] // the first commit: creates copy 0
    [InlineData(1, 100)] // creates copy 1
    [InlineData(2, 5000)] // in place over copy 0, growing it past a 4 KiB boundary
    [InlineData(3, 10)] // in place over copy 1, shrinking it
    [InlineData(4, 9000)] // in place over copy 0, which held the shortest value
    public async Task CommitAsync_CrashAtEveryOperationInEveryMode_RecoversBeforeOrAfter(int priorCommits, int length)
    {
        var before = priorCommits == 0 ? null : PriorValue(priorCommits);
        var after = StateValues.Make(100, length);
        var next = StateValues.Make(200, 777);

        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, cancellationToken);
                await store.CommitAsync(after, cancellationToken);
            },
            async (storage, point, cancellationToken) =>
            {
                await using (var recovered = await TwinCopyStore.OpenAsync(storage, StorePath, cancellationToken))
                {
                    var value = recovered.Value.ToArray();
                    if (value.SequenceEqual(after))
                    {
                        recovered.Sequence.ShouldBe((ulong)priorCommits + 1);
                    }
                    else
                    {
                        point.OperationCompleted.ShouldBeFalse("a commit that returned must survive");
                        recovered.Sequence.ShouldBe((ulong)priorCommits);
                        (before is null ? recovered.IsEmpty : value.SequenceEqual(before)).ShouldBeTrue($"neither before nor after: {value.Length} bytes");
                    }

                    await recovered.CommitAsync(next, cancellationToken);
                }

                await using var afterNext = await TwinCopyStore.OpenAsync(storage.Materialise(CrashMode.DropUnflushed), StorePath, cancellationToken);
                afterNext.Value.ToArray().ShouldBe(next);
            },
            Token,
            new CrashTestOptions
            {
                Setup = async (storage, cancellationToken) =>
                {
                    await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, cancellationToken);
                    for (var commit = 1; commit <= priorCommits; commit++)
                    {
                        await store.CommitAsync(PriorValue(commit), cancellationToken);
                    }
                },
            });

        // Open (2 flushes once a copy exists) plus the commit: enough points that the test bites.
        summary.TotalOperations.ShouldBeGreaterThanOrEqualTo(priorCommits < 2 ? 6 : 4);
        summary.Materialisations.ShouldBe(summary.CrashPoints * (3 + (3 * 4)));
    }

    [Fact]
    public async Task CommitAsync_CrashDuringTheCommitAfterARecovery_StillRecoversBeforeOrAfter()
    {
        // A torn in-place write of copy 0 is recovered from copy 1; the next commit rewrites copy 0 again.
        var second = StateValues.Make(2, 4000);
        var retried = StateValues.Make(4, 4000);
        var crashed = new CrashingStorage();
        await using (var store = await TwinCopyStore.OpenAsync(crashed, StorePath, Token))
        {
            await store.CommitAsync(StateValues.Make(1, 4000), Token);
            await store.CommitAsync(second, Token);
            crashed.CrashAfter(1);
            await Should.ThrowAsync<StorageCrashedException>(async () => await store.CommitAsync(StateValues.Make(3, 4000), Token));
        }

        var torn = crashed.Materialise(CrashMode.TearLastWrite512, seed: 5);
        await using (var check = await TwinCopyStore.OpenAsync(torn.Fork(), StorePath, Token))
        {
            check.Value.ToArray().ShouldBe(second);
        }

        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await using var store = await TwinCopyStore.OpenAsync(storage, StorePath, cancellationToken);
                await store.CommitAsync(retried, cancellationToken);
            },
            async (storage, point, cancellationToken) =>
            {
                await using var recovered = await TwinCopyStore.OpenAsync(storage, StorePath, cancellationToken);
                var value = recovered.Value.ToArray();
                (value.SequenceEqual(second) || (value.SequenceEqual(retried) && recovered.Sequence == 3)).ShouldBeTrue();
                if (point.OperationCompleted)
                {
                    value.ShouldBe(retried);
                }
            },
            Token,
            new CrashTestOptions { Initial = torn });

        summary.TotalOperations.ShouldBeGreaterThanOrEqualTo(4);
    }
}
