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
        var parent = intoMiddle ? Middle : Base;
        var parentContent = CrashDisks.Image(VirtualSize, intoMiddle ? [.. BaseWrites, .. MiddleWrites] : BaseWrites);
        var merged = CrashDisks.Image(VirtualSize, [.. BaseWrites, .. intoMiddle ? MiddleWrites : [], .. ChildWrites]);
        string[] remaining = intoMiddle ? [Base, Middle] : [Base];

        var summary = await CrashTester.RunAsync(
            (storage, cancellationToken) => VhdxMerge.MergeAsync(storage, Child, null, null, cancellationToken),
            async (storage, point, cancellationToken) =>
            {
                var started = storage.FileExists(MergeIntent.PathFor(Child)) || !storage.FileExists(Child);
                if (!started)
                {
                    point.OperationCompleted.ShouldBeFalse("the merge returned but left its child");
                    await ShouldReadAsync(storage, Child, merged, "the chain", cancellationToken);
                    await ShouldReadAsync(storage, parent, parentContent, "the untouched parent", cancellationToken);
                }

                if (storage.FileExists(Child) || storage.FileExists(MergeIntent.PathFor(Child)))
                {
                    point.OperationCompleted.ShouldBeFalse("the merge returned but left its child or its record");
                    (await VhdxMerge.MergeAsync(storage, Child, null, null, cancellationToken)).ParentPath.ShouldBe(parent);
                }

                storage.ListFiles(Directory).ShouldBe(remaining);
                foreach (var file in remaining)
                {
                    await CrashDisks.ShouldCheckCleanAsync(storage, file, cancellationToken);
                }

                await ShouldReadAsync(storage, parent, merged, "the merged parent", cancellationToken);
            },
            Token,
            new CrashTestOptions
            {
                // One seed per randomised mode keeps the run short; every crash point still sees every mode.
                Seeds = [1],
                Setup = async (storage, cancellationToken) =>
                {
                    await CrashDisks.CreateAsync(storage, Base, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize, logicalSectorSize), BaseWrites, cancellationToken);
                    if (intoMiddle)
                    {
                        await CrashDisks.CreateAsync(storage, Middle, VhdxCreateOptions.Differencing(Base, BlockSize), MiddleWrites, cancellationToken);
                    }

                    await CrashDisks.CreateAsync(storage, Child, VhdxCreateOptions.Differencing(parent, BlockSize), ChildWrites, cancellationToken);
                },
            });

        summary.TotalOperations.ShouldBeGreaterThan(20);
    }

    private static async Task ShouldReadAsync(IStorage storage, string path, byte[] expected, string what, CancellationToken cancellationToken)
    {
        var actual = await CrashDisks.ReadAllAsync(storage, path, cancellationToken);
        actual.AsSpan().SequenceEqual(expected).ShouldBeTrue($"{what} ({path}) does not read as expected");
    }
}
