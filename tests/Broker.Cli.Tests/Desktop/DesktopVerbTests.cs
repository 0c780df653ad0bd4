using Broker.Contracts.V1;
using Broker.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Cli.Tests.Desktop;

/// <summary><c>brokerctl desktop pause|resume|cancel|sync --defer|console|snapshots</c> against a scripted client agent on a real unix socket.</summary>
public sealed class DesktopVerbTests
{
    private const string Desk = "alice-desk";

    [Fact]
    public async Task PauseResumeCancel_CallTheAgentAndPrintTheDesktop()
    {
        using var directory = new TempDirectory("brokerctl-verbs-");
        await using var agent = new ScriptedAgent { Answer = new LocalDesktop { Name = Desk, Phase = LocalPhase.Paused } };
        await agent.StartAsync(directory.File("agent.sock"));

        var pause = await CliRun.RunAsync("desktop", "pause", Desk, "--socket", directory.File("agent.sock"));
        var resume = await CliRun.RunAsync("desktop", "resume", Desk, "--socket", directory.File("agent.sock"));
        var cancel = await CliRun.RunAsync("desktop", "cancel", Desk, "--socket", directory.File("agent.sock"));

        new[] { pause.ExitCode, resume.ExitCode, cancel.ExitCode }.ShouldBe([0, 0, 0], $"{pause}{resume}{cancel}");
        agent.Calls.ShouldBe(["Pause", "Resume", "Cancel"]);
        pause.Out.ShouldMatch(@"phase:\s+paused");
    }

    [Fact]
    public async Task SyncDefer_SendsTheDuration_AndStatusShowsTheDeferral()
    {
        using var directory = new TempDirectory("brokerctl-verbs-");
        var until = new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.Zero);
        await using var agent = new ScriptedAgent
        {
            Answer = new LocalDesktop { Name = Desk, Phase = LocalPhase.Ready, NextSyncAt = Timestamp.FromDateTimeOffset(until), SyncDeferred = true },
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "sync", Desk, "--defer", "4h", "--socket", directory.File("agent.sock"));
        var bad = await CliRun.RunAsync("desktop", "sync", Desk, "--defer", "soon", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        agent.Calls.ShouldBe(["DeferSync"]);
        agent.Deferred.ShouldNotBeNull().Duration.ToTimeSpan().ShouldBe(TimeSpan.FromHours(4));
        run.Out.ShouldMatch(@"next sync:\s+2026-11-26 18:00:00Z \(deferred\)");
        bad.ExitCode.ShouldBe(2, bad.ToString());
        bad.Error.ShouldContain("e.g. 90s, 30m, 2h or 1d");
    }

    [Fact]
    public async Task SyncDefer_RefusedByThePool_SaysWhatToDoInstead()
    {
        using var directory = new TempDirectory("brokerctl-verbs-");
        await using var agent = new ScriptedAgent { Refusal = ("SyncDeferNotAllowed", "The pool does not let users defer; run 'brokerctl desktop sync alice-desk' to sync now instead.") };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "sync", Desk, "--defer", "1h", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldContain("refused (SyncDeferNotAllowed)");
        run.Error.ShouldContain("to sync now instead");
    }

    [Fact]
    public async Task Console_PrintsTheSerialLogAndWhereTheScreenIs()
    {
        using var directory = new TempDirectory("brokerctl-verbs-");
        await File.WriteAllTextAsync(directory.File("serial.log"), "boot count 2\n", TestContext.Current.CancellationToken);
        await using var agent = new ScriptedAgent
        {
            ConsoleAnswer = new ConsoleInfo { SerialLogPath = directory.File("serial.log"), VncSocketPath = directory.File("vnc.sock"), Display = "vnc" },
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "console", Desk, "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldBe("boot count 2\n");
        run.Error.ShouldContain(directory.File("vnc.sock"));
    }

    [Fact]
    public async Task ConsoleFollow_PrintsWhatTheGuestWritesLater_UntilCtrlC()
    {
        using var directory = new TempDirectory("brokerctl-verbs-");
        var log = directory.File("serial.log");
        await File.WriteAllTextAsync(log, "boot count 2\n", TestContext.Current.CancellationToken);
        await using var agent = new ScriptedAgent { ConsoleAnswer = new ConsoleInfo { SerialLogPath = log, Display = "gtk" } };
        await agent.StartAsync(directory.File("agent.sock"));
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var output = new LiveWriter();

        var running = CliRun.RunAsync(output, ctrlC.Token, "desktop", "console", Desk, "--follow", "--socket", directory.File("agent.sock"));
        await output.WaitForAsync("boot count 2\n", TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(log, "boot count 3\n", TestContext.Current.CancellationToken);
        await output.WaitForAsync("boot count 3\n", TestContext.Current.CancellationToken);
        await ctrlC.CancelAsync();
        var run = await running;

        run.Out.ShouldBe("boot count 2\nboot count 3\n");
        run.Error.ShouldContain("gtk window");
    }

    [Fact]
    public async Task Snapshots_ListsSealedLayersWithTimesAndWhetherTheHostHoldsThem()
    {
        using var directory = new TempDirectory("brokerctl-verbs-");
        var sealedAt = new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);
        await using var agent = new ScriptedAgent
        {
            SnapshotsAnswer = new SnapshotList
            {
                Snapshots =
                {
                    new Snapshot { LayerId = "4", SealedAt = Timestamp.FromDateTimeOffset(sealedAt), Acknowledged = true },
                    new Snapshot { LayerId = "7", SealedAt = Timestamp.FromDateTimeOffset(sealedAt.AddHours(1)), Acknowledged = false },
                },
            },
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "snapshots", Desk, "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        var lines = run.Out.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        lines.Length.ShouldBe(3, run.Out);
        lines[1].ShouldContain("2026-11-26 09:30:00Z");
        lines[1].ShouldEndWith("yes");
        lines[2].ShouldStartWith("7");
        lines[2].ShouldEndWith("no");
    }

    [Fact]
    public async Task Diverged_ListsTheKeptBranches_AndDiscardDeletesTheOneNamed()
    {
        using var directory = new TempDirectory("brokerctl-desktop-");
        var written = new DateTimeOffset(2026, 11, 27, 8, 15, 0, TimeSpan.Zero);
        await using var agent = new ScriptedAgent
        {
            DivergedAnswer = new DivergedBranchList
            {
                Branches =
                {
                    new DivergedBranch { Name = "diverged-001", Path = "/data/desktops/d/chain.diverged-001", Layers = 3, Bytes = 12_582_912, LastWrittenAt = Timestamp.FromDateTimeOffset(written) },
                    new DivergedBranch { Name = "diverged-002", Path = "/data/desktops/d/chain.diverged-002", Layers = 2, Bytes = 4096, LastWrittenAt = Timestamp.FromDateTimeOffset(written.AddDays(1)) },
                },
            },
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var listed = await CliRun.RunAsync("desktop", "diverged", Desk, "--socket", directory.File("agent.sock"));
        var discarded = await CliRun.RunAsync("desktop", "discard", Desk, "diverged-001", "--socket", directory.File("agent.sock"));
        var neither = await CliRun.RunAsync("desktop", "discard", Desk, "--socket", directory.File("agent.sock"));
        var both = await CliRun.RunAsync("desktop", "discard", Desk, "diverged-002", "--all", "--socket", directory.File("agent.sock"));

        listed.ExitCode.ShouldBe(0, listed.ToString());
        var lines = listed.Out.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        lines.Length.ShouldBe(3, listed.Out);
        lines[1].ShouldStartWith("diverged-001");
        lines[1].ShouldContain("12582912");
        lines[1].ShouldContain("2026-11-27 08:15:00Z");
        lines[1].ShouldEndWith("/data/desktops/d/chain.diverged-001");
        discarded.ExitCode.ShouldBe(0, discarded.ToString());
        agent.Discarded.ShouldNotBeNull().Branch.ShouldBe("diverged-001");
        agent.Discarded.All.ShouldBeFalse();
        discarded.Out.ShouldNotContain("diverged-001");
        discarded.Out.ShouldContain("diverged-002", Case.Sensitive, "what is left is listed");
        neither.ExitCode.ShouldBe(2, neither.ToString());
        neither.Error.ShouldContain("Name one branch to discard, or give --all.");
        both.ExitCode.ShouldBe(2, both.ToString());
    }

    [Fact]
    public async Task Status_OfADesktopSuspendedForItsLease_SaysSoBesideThePhase()
    {
        using var directory = new TempDirectory("brokerctl-desktop-");
        await using var agent = new ScriptedAgent
        {
            Answer = new LocalDesktop { Name = Desk, DesktopId = "5f0c3c0e-8d0b-4a8e-9a57-0a1f3c1d2e4b", Phase = LocalPhase.Running, Running = true, Suspended = true, BlockedReason = "LeaseExpired" },
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "status", Desk, "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ReplaceLineEndings("\n").Split('\n').ShouldContain(line => line.StartsWith("phase", StringComparison.Ordinal) && line.EndsWith("running (suspended: lease)", StringComparison.Ordinal), run.Out);
    }
}
