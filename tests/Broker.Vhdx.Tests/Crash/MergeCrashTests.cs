using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Crash;

/// <summary>
/// Merging a child into its parent crashed after every durable I/O, in every materialisation mode.
/// Until the merge record exists the parent is untouched and the chain reads as before; from then
/// on the chain's own parent link is broken by design (the parent's DataWriteGuid changed), and a
/// re-run of the merge (which replays the parent's log) finishes it: the parent then reads what the
/// child read, checks clean, and neither the child nor the record is left.
/// </summary>
public sealed class MergeCrashTests
{
    private const string Directory = "/d";
    private const string Base = "/d/base.vhdx";
    private const string Middle = "/d/middle.avhdx";
    private const string Child = "/d/child.avhdx";
    private const long VirtualSize = 4L << 20;
    private const int BlockSize = 1 << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Data in blocks 0 and 2.</summary>
    private static DiskWrite[] BaseWrites => [DiskWrite.Pattern(0, BlockSize, 21), DiskWrite.Pattern(2L << 20, BlockSize, 22)];

    /// <summary>A sector of block 1 (absent below) and one over the base's block 2.</summary>
    private static DiskWrite[] MiddleWrites => [DiskWrite.Pattern((1L << 20) + 8192, 4096, 25), DiskWrite.Pattern((2L << 20) + 16384, 4096, 26)];

    /// <summary>
    /// Data over the parent's data, zeros hiding the parent's data (merged as zeros), data in a
    /// block the parent lacks, and zeros where the parent reads zero already (merged as nothing).
    /// </summary>
    private static DiskWrite[] ChildWrites =>
    [
        DiskWrite.Pattern(4096, 8192, 23),
        new DiskWrite((2L << 20) + (64 << 10), new byte[64 << 10]),
        DiskWrite.Pattern((3L << 20) + 4096, 4096, 24),
        new DiskWrite((3L << 20) + (512 << 10), new byte[4096]),
    ];

    [Theory]
    [InlineData(false, 512)]
    [InlineData(true, 4096)]
    public async Task MergeAsync_CrashedAnywhere_LeavesTheChainOrAMergeThatARerunFinishes(bool intoMiddle, int logicalSectorSize)
    {
        var layout = new MergeLayout(intoMiddle);
        var summary = await CrashTester.RunAsync(
            (storage, cancellationToken) => VhdxMerge.MergeAsync(storage, Child, null, null, cancellationToken),
            async (storage, point, cancellationToken) =>
            {
                var started = storage.FileExists(MergeIntent.PathFor(Child)) || !storage.FileExists(Child);
                if (!started)
                {
                    point.OperationCompleted.ShouldBeFalse("the merge returned but left its child");
                    await ShouldReadAsync(storage, Child, layout.Merged, "the chain", cancellationToken);
                    await ShouldReadAsync(storage, layout.Parent, layout.ParentContent, "the untouched parent", cancellationToken);
                }

                await FinishAndVerifyAsync(storage, point, layout, cancellationToken);
            },
            Token,
            new CrashTestOptions
            {
                // One seed per randomised mode keeps the run short; every crash point still sees every mode.
                Seeds = [1],
                Setup = (storage, cancellationToken) => layout.CreateAsync(storage, logicalSectorSize, cancellationToken),
            });

        summary.TotalOperations.ShouldBeGreaterThan(20);
    }

    /// <summary>
    /// Recovery crashed too: a merge crashed after its record exists, then its re-run (which replays
    /// the parent's log and carries on) crashed after every durable I/O of its own. A third run still
    /// finishes it. Every third first crash point, unflushed data dropped, keeps the run short.
    /// </summary>
    [Fact]
    public async Task MergeAsync_RerunCrashedAnywhere_ANextRerunStillFinishes()
    {
        var layout = new MergeLayout(intoMiddle: true);
        var reruns = 0;
        await CrashTester.RunAsync(
            (storage, cancellationToken) => VhdxMerge.MergeAsync(storage, Child, null, null, cancellationToken),
            async (storage, point, cancellationToken) =>
            {
                var started = storage.FileExists(MergeIntent.PathFor(Child));
                if (!started || point.CompletedOperations % 3 != 0)
                {
                    return;
                }

                reruns++;
                await CrashTester.RunAsync(
                    (rebooted, token) => VhdxMerge.MergeAsync(rebooted, Child, null, null, token),
                    (rebootedAgain, secondPoint, token) => FinishAndVerifyAsync(rebootedAgain, secondPoint, layout, token),
                    cancellationToken,
                    new CrashTestOptions { Initial = storage, Modes = [CrashMode.DropUnflushed, CrashMode.KeepUnflushed], Seeds = [1] });
            },
            Token,
            new CrashTestOptions
            {
                Modes = [CrashMode.DropUnflushed],
                Setup = (storage, cancellationToken) => layout.CreateAsync(storage, 512, cancellationToken),
            });

        reruns.ShouldBeGreaterThan(3, "the first crash should leave a started merge at several points");
    }

    /// <summary>Finishes a started merge by running it again, then checks the files and the merged parent.</summary>
    private static async Task FinishAndVerifyAsync(CrashingStorage storage, CrashPoint point, MergeLayout layout, CancellationToken cancellationToken)
    {
        if (storage.FileExists(Child) || storage.FileExists(MergeIntent.PathFor(Child)))
        {
            point.OperationCompleted.ShouldBeFalse("the merge returned but left its child or its record");
            (await VhdxMerge.MergeAsync(storage, Child, null, null, cancellationToken)).ParentPath.ShouldBe(layout.Parent);
        }

        storage.ListFiles(Directory).ShouldBe(layout.Remaining);
        foreach (var file in layout.Remaining)
        {
            await CrashDisks.ShouldCheckCleanAsync(storage, file, cancellationToken);
        }

        await ShouldReadAsync(storage, layout.Parent, layout.Merged, "the merged parent", cancellationToken);
    }

    private static async Task ShouldReadAsync(IStorage storage, string path, byte[] expected, string what, CancellationToken cancellationToken)
    {
        var actual = await CrashDisks.ReadAllAsync(storage, path, cancellationToken);
        actual.AsSpan().SequenceEqual(expected).ShouldBeTrue($"{what} ({path}) does not read as expected");
    }

    /// <summary>The chain a test merges: base (and middle) below the child, and what each reads.</summary>
    private sealed class MergeLayout(bool intoMiddle)
    {
        public string Parent { get; } = intoMiddle ? Middle : Base;

        public byte[] ParentContent { get; } = CrashDisks.Image(VirtualSize, intoMiddle ? [.. BaseWrites, .. MiddleWrites] : BaseWrites);

        public byte[] Merged { get; } = CrashDisks.Image(VirtualSize, [.. BaseWrites, .. intoMiddle ? MiddleWrites : [], .. ChildWrites]);

        public string[] Remaining { get; } = intoMiddle ? [Base, Middle] : [Base];

        public async Task CreateAsync(CrashingStorage storage, int logicalSectorSize, CancellationToken cancellationToken)
        {
            await CrashDisks.CreateAsync(storage, Base, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize, logicalSectorSize), BaseWrites, cancellationToken);
            if (intoMiddle)
            {
                await CrashDisks.CreateAsync(storage, Middle, VhdxCreateOptions.Differencing(Base, BlockSize), MiddleWrites, cancellationToken);
            }

            await CrashDisks.CreateAsync(storage, Child, VhdxCreateOptions.Differencing(Parent, BlockSize), ChildWrites, cancellationToken);
        }
    }
}
