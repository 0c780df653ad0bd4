using Broker.Disks.Crashes;
using Broker.Testing;

namespace Broker.Disks.Tests.Crashes;

/// <summary>
/// The kill -9 harness of design §7: for every crash point of <see cref="DiskCrashPoints"/>, the
/// worker process runs the operation that reaches it on stores set up on the real file system,
/// with the point armed; it must die there by SIGKILL. Reopening the stores (which recovers) must
/// then give a valid manifest or index, the content before the operation (point before the commit)
/// or after it, clean VHDX files, no orphan file, and an untouched base with the right references.
/// </summary>
public sealed class CrashPointKillTests
{
    /// <summary>Each point's scenario and whether the operation's commit point precedes it.</summary>
    private static readonly Dictionary<string, (string Scenario, bool Committed)> Cases = new(StringComparer.Ordinal)
    {
        [DiskCrashPoints.SealNextTopPrepared.Name] = ("seal", false),
        [DiskCrashPoints.SealPrepareFlushed.Name] = ("seal", false),
        [DiskCrashPoints.SealChildCreated.Name] = ("seal", false),
        [DiskCrashPoints.SealTopClosed.Name] = ("seal", false),
        [DiskCrashPoints.SealManifestCommitted.Name] = ("seal", true),
        [DiskCrashPoints.MergeMergedFileFlushed.Name] = ("merge", false),
        [DiskCrashPoints.MergeRebuiltFileFlushed.Name] = ("merge", false),
        [DiskCrashPoints.MergeTopPrepared.Name] = ("merge-served", false),
        [DiskCrashPoints.MergePrepareFlushed.Name] = ("merge-served", false),
        [DiskCrashPoints.MergeTopCaughtUp.Name] = ("merge-served", false),
        [DiskCrashPoints.MergeSwitched.Name] = ("merge", true),
        [DiskCrashPoints.MergeOldFileDeleted.Name] = ("merge", true),
        [DiskCrashPoints.RestoreTopCreated.Name] = ("restore", false),
        [DiskCrashPoints.RestoreSwitched.Name] = ("restore", true),
        [DiskCrashPoints.AdoptStagedRenamed.Name] = ("adopt", false),
        [DiskCrashPoints.AdoptTopCreated.Name] = ("adopt", false),
        [DiskCrashPoints.AdoptSwitched.Name] = ("adopt", true),
        [DiskCrashPoints.AdoptOldTopDeleted.Name] = ("adopt", true),
        [DiskCrashPoints.GraftCopied.Name] = ("graft", false),
        [DiskCrashPoints.GraftTopCreated.Name] = ("graft", false),
        [DiskCrashPoints.GraftSwitched.Name] = ("graft", true),
        [DiskCrashPoints.ImportCopied.Name] = ("import", false),
        [DiskCrashPoints.ImportRenamed.Name] = ("import", false),
        [DiskCrashPoints.ImportIndexed.Name] = ("import", true),
        [DiskCrashPoints.ImportReferenceAdded.Name] = ("import-again", true),
        [DiskCrashPoints.BaseAdoptRenamed.Name] = ("base-adopt", false),
        [DiskCrashPoints.BaseAdoptIndexed.Name] = ("base-adopt", true),
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// Every point (first hit) in its case's scenario; later hits of the points a merge reaches more
    /// than once (the top is its second rebuilt layer, four old files go); and the points an
    /// unserved merge reaches, again in a served merge (whose top is built before the pause instead).
    /// </summary>
    public static TheoryData<string, string> ArmedPoints =>
    [
        .. DiskCrashPoints.All.Select(point => (point.Name, Cases[point.Name].Scenario)),
        (DiskCrashPoints.MergeRebuiltFileFlushed.Name + "#2", "merge"),
        (DiskCrashPoints.MergeOldFileDeleted.Name + "#4", "merge"),
        .. new[] { DiskCrashPoints.MergeMergedFileFlushed, DiskCrashPoints.MergeRebuiltFileFlushed, DiskCrashPoints.MergeSwitched }.Select(point => (point.Name, "merge-served")),
        (DiskCrashPoints.MergeOldFileDeleted.Name + "#4", "merge-served"),
    ];

    public static TheoryData<string> Scenarios => [.. Cases.Values.Select(value => value.Scenario).Distinct()];

    [Fact]
    public void EveryCrashPoint_HasACase()
    {
        Cases.Keys.Order(StringComparer.Ordinal).ShouldBe(DiskCrashPoints.All.Select(point => point.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ArmedPoints))]
    public async Task Worker_KilledAtCrashPoint_RecoversToBeforeOrAfter(string armed, string scenarioName)
    {
        var committed = Cases[armed.Split('#')[0]].Committed;
        using var root = new TempDirectory("broker-crash-");
        var scenario = Create(scenarioName);
        var arguments = await scenario.PrepareAsync(root.Path, Token);

        var result = await CrashWorker.RunAsync(arguments, armed, Token);

        result.ExitCode.ShouldBe(CrashWorker.KilledExitCode, result.ToString());
        result.StandardError.ShouldContain($"crash point {(armed.Contains('#', StringComparison.Ordinal) ? armed : armed + "#1")} reached", Case.Sensitive, result.ToString());
        await scenario.VerifyAsync(committed, Token);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Worker_Unarmed_CompletesTheOperation(string scenarioName)
    {
        using var root = new TempDirectory("broker-crash-");
        var scenario = Create(scenarioName);
        var arguments = await scenario.PrepareAsync(root.Path, Token);

        var result = await CrashWorker.RunAsync(arguments, armed: null, Token);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StandardOutput.ShouldBe("done\n", result.ToString());
        await scenario.VerifyAsync(committed: true, Token);
    }

    [Fact]
    public async Task Worker_ArmedAtAPointItsOperationPassesNoMoreOften_Completes()
    {
        using var root = new TempDirectory("broker-crash-");
        var scenario = Create("seal");
        var arguments = await scenario.PrepareAsync(root.Path, Token);

        var result = await CrashWorker.RunAsync(arguments, DiskCrashPoints.SealChildCreated.Name + "#2", Token);

        result.ExitCode.ShouldBe(0, result.ToString());
        await scenario.VerifyAsync(committed: true, Token);
    }

    private static CrashScenario Create(string scenario) => scenario switch
    {
        "seal" => new SealScenario(),
        "merge" => new MergeScenario(served: false),
        "merge-served" => new MergeScenario(served: true),
        "restore" => new RestoreScenario(),
        "adopt" => new AdoptScenario(),
        "graft" => new GraftScenario(),
        "import" => new ImageScenario(ImageScenario.Operation.ImportNew),
        "import-again" => new ImageScenario(ImageScenario.Operation.ImportAgain),
        "base-adopt" => new ImageScenario(ImageScenario.Operation.AdoptNew),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };
}
