using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Storage;

/// <summary>The exhaustive crash harness, on a correct and on a broken atomic file replace.</summary>
public sealed class CrashTesterTests
{
    private const string Directory = "/d";
    private const string Target = "/d/value";
    private const string Staging = "/d/value.new";
    private static readonly byte[] Before = Enumerable.Repeat((byte)1, 3000).ToArray();
    private static readonly byte[] After = Enumerable.Repeat((byte)2, 5000).ToArray();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static CrashTestOptions Options => new()
    {
        Setup = (storage, _) =>
        {
            storage.SetDurableBytes(Target, Before);
            return Task.CompletedTask;
        },
    };

    private static async Task ReplaceAsync(IStorage storage, bool flushData, CancellationToken cancellationToken)
    {
        await using (var file = await storage.OpenAsync(Staging, StorageOpenMode.CreateNew, cancellationToken))
        {
            await file.WriteAsync(0, After, cancellationToken);
            if (flushData)
            {
                await file.FlushAsync(cancellationToken);
            }
        }

        await storage.RenameAsync(Staging, Target, cancellationToken);
        await storage.FlushDirectoryAsync(Directory, cancellationToken);
    }

    private static Task VerifyBeforeOrAfterAsync(CrashingStorage storage, CrashPoint point)
    {
        var content = storage.GetBytes(Target);
        (content.SequenceEqual(Before) || content.SequenceEqual(After)).ShouldBeTrue($"{content.Length} bytes");
        if (point.OperationCompleted)
        {
            content.ShouldBe(After);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task RunAsync_CorrectAtomicReplace_PassesAtEveryPointInEveryMode()
    {
        var summary = await CrashTester.RunAsync(
            (storage, cancellationToken) => ReplaceAsync(storage, flushData: true, cancellationToken),
            (storage, point, _) => VerifyBeforeOrAfterAsync(storage, point),
            Token,
            Options);

        summary.TotalOperations.ShouldBe(5);
        summary.CrashPoints.ShouldBe(6);
        summary.Materialisations.ShouldBe(6 * (3 + (3 * 4)));
    }

    [Fact]
    public async Task RunAsync_ReplaceWithoutFlushingData_ReportsTheCrashPoint()
    {
        var failure = await Should.ThrowAsync<CrashTestFailedException>(() => CrashTester.RunAsync(
            (storage, cancellationToken) => ReplaceAsync(storage, flushData: false, cancellationToken),
            (storage, point, _) => VerifyBeforeOrAfterAsync(storage, point),
            Token,
            Options));

        var point = failure.Point.ShouldNotBeNull();
        point.CompletedOperations.ShouldBeGreaterThanOrEqualTo(3);
        failure.Message.ShouldContain("rename /d/value.new -> /d/value");
    }

    [Fact]
    public async Task RunAsync_OperationFailingForItsOwnReason_Propagates()
    {
        await Should.ThrowAsync<InvalidOperationException>(() => CrashTester.RunAsync(
            (_, _) => throw new InvalidOperationException("bug in the code under test"),
            (_, _, _) => Task.CompletedTask,
            Token));
    }

    [Fact]
    public async Task RunAsync_VerifyThatRejectsEverything_FailsAtTheFirstPoint()
    {
        var failure = await Should.ThrowAsync<CrashTestFailedException>(() => CrashTester.RunAsync(
            (storage, cancellationToken) => ReplaceAsync(storage, flushData: true, cancellationToken),
            (_, _, _) => throw new InvalidOperationException("rejected"),
            Token,
            Options));

        failure.Point.ShouldNotBeNull().CompletedOperations.ShouldBe(0);
        failure.InnerException.ShouldBeOfType<InvalidOperationException>();
    }
}
