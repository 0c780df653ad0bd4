using System.Text.Json;
using Broker.Contracts.V1;
using Broker.Testing;

namespace Broker.Cli.Tests.Desktop;

/// <summary>
/// How <c>brokerctl desktop</c> shows long operations: plain lines when standard error is not a
/// terminal, a Spectre.Console bar on a terminal (a real pseudo-terminal by <c>script</c>), <c>sync --wait</c>,
/// and <c>--json</c> for scripts; each with its exit code.
/// </summary>
public sealed class DesktopProgressTests
{
    private const string Desk = "alice-desk";
    private const ulong Total = 8 * 1024 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SyncWait_PrintsThePushsProgressLines_ThenTheDesktop()
    {
        using var directory = new TempDirectory("brokerctl-progress-");
        var output = new LiveWriter();
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.Ready),
            Updates =
            [
                Desktop(LocalPhase.Syncing, new TransferState { BytesDone = Total / 2, BytesTotal = Total, BytesPerSecond = 4 * 1024 * 1024, EtaSeconds = 1 }),
                Desktop(LocalPhase.Syncing, new TransferState { BytesDone = Total, BytesTotal = Total, BytesPerSecond = 4 * 1024 * 1024 }),
            ],
            // The sync finishes once its last progress was shown: an update still in flight when the
            // sync answers is not waited for.
            SyncAnswersAfter = token => output.WaitForAsync("syncing 100%", token),
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync(output, Token, "desktop", "sync", Desk, "--wait", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        agent.Calls.ShouldBe(["Sync"]);
        var lines = run.Out.ReplaceLineEndings("\n").Split('\n');
        var fields = Array.FindIndex(lines, line => line.StartsWith("phase", StringComparison.Ordinal));
        Array.IndexOf(lines, "syncing 50% of 8388608 bytes, 4.0 MiB/s, 1 s left").ShouldBeInRange(0, fields - 1, run.ToString());
        Array.FindLastIndex(lines, line => line.StartsWith("syncing", StringComparison.Ordinal)).ShouldBeLessThan(fields, "the progress comes before the desktop's fields");
        run.Out.ShouldContain("pending layers");
    }

    [Fact]
    public async Task SyncWait_Refused_ExitsOneWithTheAgentsReason()
    {
        using var directory = new TempDirectory("brokerctl-progress-");
        await using var agent = new ScriptedAgent { Refusal = ("BrokerUnreachable", "The sync is queued: the host or broker cannot be reached.") };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "sync", Desk, "--wait", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldContain("refused (BrokerUnreachable): The sync is queued");
    }

    [Fact]
    public async Task CheckoutWait_WithProgressBars_PrintsNoProgressLines_OnlyTheOutcome()
    {
        using var directory = new TempDirectory("brokerctl-progress-");
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.Requested),
            Updates =
            [
                Desktop(LocalPhase.Pulling, new TransferState { BytesDone = Total / 4, BytesTotal = Total, BytesPerSecond = 2 * 1024 * 1024, EtaSeconds = 3 }),
                Desktop(LocalPhase.Pulling, new TransferState { BytesDone = Total, BytesTotal = Total, BytesPerSecond = 2 * 1024 * 1024 }),
                Desktop(LocalPhase.Ready),
            ],
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync(new LiveWriter(), showProgress: true, Token, "desktop", "checkout", Desk, "--wait", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ReplaceLineEndings("\n").ShouldBe("alice-desk: ready\n", "on a terminal the progress is the bar's (on standard error), not lines");
    }

    [Fact]
    public async Task CheckinWait_UnderARealTerminal_DrawsAnAnsiBar_AndExitsZero()
    {
        using var directory = new TempDirectory("brokerctl-progress-");
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.CheckingIn),
            Updates =
            [
                Desktop(LocalPhase.CheckingIn, new TransferState { BytesDone = Total / 2, BytesTotal = Total, BytesPerSecond = 1024 * 1024, EtaSeconds = 4 }),
                Desktop(LocalPhase.CheckedIn),
            ],
        };
        await agent.StartAsync(directory.File("agent.sock"));
        var command = $"'{BrokerCtlApphost.Path}' desktop checkin {Desk} --wait --socket '{directory.File("agent.sock")}'";

        // script(1) runs brokerctl on a pseudo-terminal and copies what it drew to its own output.
        var run = await ExternalTool.RunAsync("script", ["-qec", command, "/dev/null"], Token);

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StandardOutput.ShouldContain("\u001b[", customMessage: "a terminal gets the ANSI-drawn bar");
        run.StandardOutput.ShouldContain("alice-desk: checked in");
        run.StandardOutput.ShouldNotContain("checking-in 50% of", customMessage: "no plain progress lines on a terminal");
    }

    [Fact]
    public async Task StatusJson_PrintsTheDesktopAsJsonForScripts()
    {
        using var directory = new TempDirectory("brokerctl-progress-");
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.Syncing, new TransferState { BytesDone = 1024, BytesTotal = Total }, message: "2 layer(s) are queued"),
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "status", Desk, "--json", "--socket", directory.File("agent.sock"));
        var sync = await CliRun.RunAsync("desktop", "sync", Desk, "--json", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        json.RootElement.GetProperty("name").GetString().ShouldBe(Desk);
        json.RootElement.GetProperty("phase").GetString().ShouldBe("LOCAL_PHASE_SYNCING");
        json.RootElement.GetProperty("transfer").GetProperty("bytesTotal").GetString().ShouldBe(Total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.RootElement.GetProperty("message").GetString().ShouldBe("2 layer(s) are queued");
        sync.ExitCode.ShouldBe(0, sync.ToString());
        JsonDocument.Parse(sync.Out).RootElement.GetProperty("name").GetString().ShouldBe(Desk);
    }

    private static LocalDesktop Desktop(LocalPhase phase, TransferState? transfer = null, string message = "") =>
        new() { DesktopId = "5f0c3c0e-8d0b-4a8e-9a57-0a1f3c1d2e4b", Name = Desk, Epoch = 3, Phase = phase, Transfer = transfer, Message = message };
}
