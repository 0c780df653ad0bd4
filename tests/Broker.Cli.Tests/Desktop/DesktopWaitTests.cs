using Broker.Contracts.V1;
using Broker.Testing;

namespace Broker.Cli.Tests.Desktop;

/// <summary><c>brokerctl desktop checkout|checkin NAME --wait</c> following a client agent's Watch stream on a real unix socket.</summary>
public sealed class DesktopWaitTests
{
    private const string Desk = "alice-desk";
    private const ulong Total = 4 * 1024 * 1024;

    [Fact]
    public async Task CheckoutWait_PrintsEachPhaseWithPercentAndRate_AndSucceedsWhenReady()
    {
        using var directory = new TempDirectory("brokerctl-wait-");
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.Requested),
            Updates =
            [
                Desktop(LocalPhase.Requested),
                Desktop(LocalPhase.Pulling, new TransferState { BytesDone = Total / 4, BytesTotal = Total, BytesPerSecond = 2 * 1024 * 1024, EtaSeconds = 1.5 }),
                Desktop(LocalPhase.Pulling, new TransferState { BytesDone = Total, BytesTotal = Total, BytesPerSecond = 3 * 1024 * 1024 }),
                Desktop(LocalPhase.AwaitingLease),
                Desktop(LocalPhase.Ready),
            ],
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "checkout", Desk, "--wait", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ReplaceLineEndings("\n").ShouldBe(
            "requested\npulling 25% of 4194304 bytes, 2.0 MiB/s, 2 s left\npulling 100% of 4194304 bytes, 3.0 MiB/s\nawaiting-lease\nready\nalice-desk: ready\n");
    }

    [Fact]
    public async Task CheckinWait_EndingBackInReady_FailsWithTheAgentsMessage()
    {
        using var directory = new TempDirectory("brokerctl-wait-");
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.CheckingIn),
            Updates = [Desktop(LocalPhase.CheckingIn), Desktop(LocalPhase.Ready, message: "The broker cancelled the check-in.")],
        };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "checkin", Desk, "--wait", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.Trim().ShouldBe("brokerctl: the check-in of 'alice-desk' did not finish: it is ready: The broker cancelled the check-in.");
    }

    [Fact]
    public async Task CheckoutWait_Refused_PrintsTheRefusalAndDoesNotWait()
    {
        using var directory = new TempDirectory("brokerctl-wait-");
        await using var agent = new ScriptedAgent { Refusal = ("NotEntitled", "You are not entitled to a desktop of pool 'eng'.") };
        await agent.StartAsync(directory.File("agent.sock"));

        var run = await CliRun.RunAsync("desktop", "checkout", Desk, "--wait", "--socket", directory.File("agent.sock"));

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldContain("refused (NotEntitled): You are not entitled to a desktop of pool 'eng'.");
        agent.Watches.ShouldBe(0);
    }

    [Fact]
    public async Task CheckoutWait_InterruptedWhilePulling_Exits130AndSaysTheCheckOutGoesOn()
    {
        using var directory = new TempDirectory("brokerctl-wait-");
        await using var agent = new ScriptedAgent
        {
            Answer = Desktop(LocalPhase.Requested),
            Updates = [Desktop(LocalPhase.Pulling, new TransferState { BytesDone = 1, BytesTotal = Total })],
            HangAfterUpdates = true,
        };
        await agent.StartAsync(directory.File("agent.sock"));
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var output = new LiveWriter();
        var running = CliRun.RunAsync(output, interrupt.Token, "desktop", "checkout", Desk, "--wait", "--socket", directory.File("agent.sock"));
        await agent.Watching.WaitAsync(TestContext.Current.CancellationToken);
        await output.WaitForAsync("pulling", TestContext.Current.CancellationToken);
        await interrupt.CancelAsync();
        var run = await running;

        run.ExitCode.ShouldBe(130, run.ToString());
        run.Out.ShouldContain("pulling 0% of 4194304 bytes");
        run.Error.ShouldContain("the check-out of 'alice-desk' goes on in the client agent");
    }

    private static LocalDesktop Desktop(LocalPhase phase, TransferState? transfer = null, string message = "") =>
        new() { DesktopId = "5f0c3c0e-8d0b-4a8e-9a57-0a1f3c1d2e4b", Name = Desk, Epoch = 2, Phase = phase, Transfer = transfer, Message = message };
}
