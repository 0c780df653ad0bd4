using Broker.Testing.Storage;

namespace Broker.Vhdx.Tests.Crash;

/// <summary>
/// Allocating writes and flushes crashed after every durable I/O, in every materialisation mode:
/// after a read-write reopen (log replay) the disk holds the content of the last returned flush or
/// of the step in progress, and checks clean.
/// </summary>
public sealed class WriteCrashTests
{
    private const string Parent = "/d/parent.vhdx";
    private const string Child = "/d/child.vhdx";
    private const long SmallSize = 8L << 20;
    private const int BlockSize = 1 << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FlushAsync_DynamicAllocatingWritesCrashedAnywhere_ReplaysToBeforeOrAfter()
    {
        var existing = DiskWrite.Pattern(0, BlockSize, seed: 1);
        var sequence = new FlushSequence(
            Parent,
            [
                [DiskWrite.Pattern((2L << 20) - 4096, 8192, 2), DiskWrite.Pattern((5L << 20) + 1000, 3000, 3)],
                [DiskWrite.Pattern(6L << 20, BlockSize, 4), DiskWrite.Pattern((7L << 20) + 512, 512, 5)],
            ],
            CrashDisks.Image(SmallSize, existing),
            SmallSize);

        var summary = await CrashTester.RunAsync(
            sequence.RunAsync,
            sequence.VerifyAsync,
            Token,
            new CrashTestOptions { Setup = (storage, cancellationToken) => CrashDisks.CreateAsync(storage, Parent, VhdxCreateOptions.Dynamic(SmallSize, BlockSize), [existing], cancellationToken) });

        summary.TotalOperations.ShouldBeGreaterThan(20);
    }

    [Fact]
    public async Task FlushAsync_DifferencingChildWritesCrashedAnywhere_ReplaysToBeforeOrAfter()
    {
        // The parent holds blocks 0 and 2; the child's writes complete partial sectors from it,
        // allocate blocks and sector bitmap blocks, then mark more sectors of held blocks present.
        var parentWrites = new[] { DiskWrite.Pattern(0, BlockSize, 11), DiskWrite.Pattern(2L << 20, BlockSize, 12) };
        var sequence = new FlushSequence(
            Child,
            [
                [DiskWrite.Pattern(1000, 3000, 13), DiskWrite.Pattern((1L << 20) + 4096, 8192, 14), DiskWrite.Pattern((3L << 20) - 512, 1024, 15)],
                [DiskWrite.Pattern(64 << 10, 4096, 16), DiskWrite.Pattern((2L << 20) + 100, 1, 17), DiskWrite.Pattern(7L << 20, 4096, 18)],
            ],
            CrashDisks.Image(SmallSize, parentWrites),
            SmallSize);

        var summary = await CrashTester.RunAsync(
            sequence.RunAsync,
            sequence.VerifyAsync,
            Token,
            new CrashTestOptions
            {
                Setup = async (storage, cancellationToken) =>
                {
                    await CrashDisks.CreateAsync(storage, Parent, VhdxCreateOptions.Dynamic(SmallSize, BlockSize), parentWrites, cancellationToken);
                    await CrashDisks.CreateAsync(storage, Child, VhdxCreateOptions.Differencing(Parent, BlockSize), [], cancellationToken);
                },
            });

        summary.TotalOperations.ShouldBeGreaterThan(20);
    }

    [Fact]
    public async Task FlushAsync_SequenceThatWrapsTheLogCrashedAnywhere_ReplaysToBeforeOrAfter()
    {
        // Each step allocates one block under each of 60 BAT pages (few enough that the writes do
        // not commit on their own): a log entry of 61 sectors (244 KiB) per flush, so the fifth
        // entry no longer fits in the 1 MiB log and wraps to its start.
        const int PagesPerStep = 60;
        const long BatPageSpan = 512L << 20;
        const long VirtualSize = (PagesPerStep + 1) * BatPageSpan;
        List<IReadOnlyList<DiskWrite>> steps = [.. Enumerable.Range(0, 5).Select(step => (IReadOnlyList<DiskWrite>)[.. Enumerable.Range(0, PagesPerStep)
            .Select(page => DiskWrite.Pattern((page * BatPageSpan) + (step * (long)BlockSize) + 512, 512, (step * PagesPerStep) + page))])];
        var sequence = new FlushSequence(Parent, steps, null, VirtualSize);
        var logStartWrites = 0;

        var summary = await CrashTester.RunAsync(
            async (storage, cancellationToken) =>
            {
                await sequence.RunAsync(storage, cancellationToken);
                logStartWrites = ((CrashingStorage)storage).OperationLog.Count(line => line.Contains($"write {Parent} [{1 << 20}, ", StringComparison.Ordinal));
            },
            sequence.VerifyAsync,
            Token,
            new CrashTestOptions
            {
                Setup = (storage, cancellationToken) => CrashDisks.CreateAsync(storage, Parent, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), [], cancellationToken),
                Modes = [CrashMode.DropUnflushed, CrashMode.KeepUnflushed, CrashMode.TearLastWrite512],
                Seeds = [1],
            });

        logStartWrites.ShouldBe(2, "the sequence should write the log's first entry twice: once at the start, once on wrapping");
        summary.TotalOperations.ShouldBeGreaterThan(5 * PagesPerStep * 3);
    }
}
