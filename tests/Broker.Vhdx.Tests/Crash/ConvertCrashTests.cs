using Broker.Testing.Storage;

namespace Broker.Vhdx.Tests.Crash;

/// <summary>
/// Converting a chain crashed after every durable I/O, in every materialisation mode: the source
/// chain is untouched, and the destination is either absent (a re-run then converts, despite any
/// leftover temporary) or complete: the chain's content, and for VHDX output clean without replay.
/// </summary>
public sealed class ConvertCrashTests
{
    private const string Directory = "/d";
    private const string Parent = "/d/parent.vhdx";
    private const string Child = "/d/child.avhdx";
    private const long VirtualSize = 3L << 20;
    private const int BlockSize = 1 << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Blocks 0 and 2 with data, and zeros over part of block 0 (a run the output skips).</summary>
    private static DiskWrite[] ParentWrites => [DiskWrite.Pattern(0, BlockSize, 31), DiskWrite.Pattern(2L << 20, 4096, 32)];

    private static DiskWrite[] ChildWrites => [new DiskWrite(128 << 10, new byte[128 << 10]), DiskWrite.Pattern((1L << 20) + 512, 1024, 33)];

    public static TheoryData<VhdxConvertFormat, VhdxDiskType> Outputs => new()
    {
        { VhdxConvertFormat.Raw, VhdxDiskType.Dynamic },
        { VhdxConvertFormat.Vhdx, VhdxDiskType.Dynamic },
        { VhdxConvertFormat.Vhdx, VhdxDiskType.Fixed },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public async Task ConvertAsync_CrashedAnywhere_LeavesNoDestinationOrACompleteOne(VhdxConvertFormat format, VhdxDiskType type)
    {
        var destination = format == VhdxConvertFormat.Raw ? "/d/flat.raw" : "/d/flat.vhdx";
        var options = new VhdxConvertOptions { Format = format, Type = type, BlockSize = BlockSize };
        var content = CrashDisks.Image(VirtualSize, [.. ParentWrites, .. ChildWrites]);

        var summary = await CrashTester.RunAsync(
            (storage, cancellationToken) => VhdxConvert.ConvertAsync(storage, Child, destination, options, null, cancellationToken),
            async (storage, point, cancellationToken) =>
            {
                if (!storage.FileExists(destination))
                {
                    point.OperationCompleted.ShouldBeFalse("the convert returned but its destination is missing");
                    await VhdxConvert.ConvertAsync(storage, Child, destination, options, null, cancellationToken);
                }

                storage.ListFiles(Directory).ShouldBe([Child, destination, Parent], ignoreOrder: true);
                await CrashDisks.ShouldCheckCleanAsync(storage, Parent, cancellationToken);
                await CrashDisks.ShouldCheckCleanAsync(storage, Child, cancellationToken);
                ShouldEqual(await CrashDisks.ReadAllAsync(storage, Child, cancellationToken), content, "the source chain");
                if (format == VhdxConvertFormat.Raw)
                {
                    ShouldEqual(storage.GetBytes(destination), content, "the raw destination");
                    return;
                }

                await CrashDisks.ShouldCheckCleanAsync(storage, destination, cancellationToken);
                ShouldEqual(await CrashDisks.ReadAllAsync(storage, destination, cancellationToken), content, "the VHDX destination");
            },
            Token,
            new CrashTestOptions
            {
                // One seed per randomised mode keeps the run short; every crash point still sees every mode.
                Seeds = [1],
                Setup = async (storage, cancellationToken) =>
                {
                    await CrashDisks.CreateAsync(storage, Parent, VhdxCreateOptions.Dynamic(VirtualSize, BlockSize), ParentWrites, cancellationToken);
                    await CrashDisks.CreateAsync(storage, Child, VhdxCreateOptions.Differencing(Parent, BlockSize), ChildWrites, cancellationToken);
                },
            });

        summary.TotalOperations.ShouldBeGreaterThan(5);
    }

    private static void ShouldEqual(byte[] actual, byte[] expected, string what) =>
        actual.AsSpan().SequenceEqual(expected).ShouldBeTrue($"{what} does not read as expected");
}
