using Broker.Testing.Storage;

namespace Broker.Vhdx.Tests.Crash;

/// <summary>
/// Creating a file crashed after every durable I/O, in every materialisation mode: afterwards the
/// path either holds nothing that opens as a VHDX (the create had not returned) or a complete empty
/// disk that checks clean; once the create returned, always the latter.
/// </summary>
public sealed class CreateCrashTests
{
    private const string Parent = "/d/parent.vhdx";
    private const string Target = "/d/new.vhdx";
    private const long VirtualSize = 4L << 20;
    private const int BlockSize = 1 << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<VhdxDiskType, int> Types => new()
    {
        { VhdxDiskType.Dynamic, 512 },
        { VhdxDiskType.Dynamic, 4096 },
        { VhdxDiskType.Fixed, 512 },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public async Task CreateAsync_CrashedAnywhere_LeavesNoDiskOrAnEmptyOne(VhdxDiskType type, int logicalSectorSize)
    {
        var options = VhdxCreateOptions.Dynamic(VirtualSize, BlockSize, logicalSectorSize) with { Type = type };

        var summary = await CrashTester.RunAsync(
            (storage, cancellationToken) => CrashDisks.CreateAsync(storage, Target, options, [], cancellationToken),
            (storage, point, cancellationToken) => VerifyAsync(storage, point, new byte[VirtualSize], type, cancellationToken),
            Token);

        summary.TotalOperations.ShouldBeGreaterThan(5);
    }

    [Fact]
    public async Task CreateAsync_DifferencingCrashedAnywhere_LeavesNoChildOrOneReadingAsItsParent()
    {
        var parentWrite = DiskWrite.Pattern(BlockSize + 512, 5000, 1);
        var parentContent = new byte[VirtualSize];
        parentWrite.Data.CopyTo(parentContent, parentWrite.Offset);

        var summary = await CrashTester.RunAsync(
            (storage, cancellationToken) => CrashDisks.CreateAsync(storage, Target, VhdxCreateOptions.Differencing(Parent, BlockSize), [], cancellationToken),
            async (storage, point, cancellationToken) =>
            {
                await VerifyAsync(storage, point, parentContent, VhdxDiskType.Differencing, cancellationToken);
                await CrashDisks.ShouldCheckCleanAsync(storage, Parent, cancellationToken);
            },
            Token,
            new CrashTestOptions
            {
                Setup = (storage, cancellationToken) => CrashDisks.CreateAsync(storage, Parent, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), [parentWrite], cancellationToken),
            });

        summary.TotalOperations.ShouldBeGreaterThan(5);
    }

    private static async Task VerifyAsync(CrashingStorage storage, CrashPoint point, byte[] content, VhdxDiskType type, CancellationToken cancellationToken)
    {
        if (!point.OperationCompleted && !await OpensAsync(storage, cancellationToken))
        {
            return;
        }

        await using (var replayed = await VhdxDisk.OpenAsync(storage, Target, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            replayed.Top.DiskType.ShouldBe(type);
        }

        await CrashDisks.ShouldCheckCleanAsync(storage, Target, cancellationToken);
        var actual = await CrashDisks.ReadAllAsync(storage, Target, cancellationToken);
        actual.AsSpan().SequenceEqual(content).ShouldBeTrue("the new disk does not read as expected");
    }

    /// <summary>False when the path is missing or holds a file that is not (yet) a VHDX.</summary>
    private static async Task<bool> OpensAsync(CrashingStorage storage, CancellationToken cancellationToken)
    {
        if (!storage.FileExists(Target))
        {
            return false;
        }

        try
        {
            await using var file = await VhdxFile.OpenAsync(storage, Target, null, cancellationToken);
            return true;
        }
        catch (VhdxFormatException)
        {
            return false;
        }
    }
}
