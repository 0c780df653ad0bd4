using Broker.Qemu.Processes;
using Broker.Testing.Qemu;

namespace Broker.Qemu.Tests.Processes;

public sealed class DeathSignalProcessLauncherTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_ThreadThatAskedHasExited_ChildKeepsRunning()
    {
        // The parent-death signal follows the forking thread; forking on the caller's thread would
        // kill the child as soon as that thread ends.
        IChildProcess? child = null;
        var thread = new Thread(() => child = new DeathSignalProcessLauncher().Start("sleep", ["60"]));
        thread.Start();
        thread.Join();
        using var started = child.ShouldNotBeNull();

        // A kill caused by the thread's exit arrives within moments; give it ample time to show.
        var exitedEarly = await Task.WhenAny(started.Exited, Task.Delay(TimeSpan.FromSeconds(1), Token)) == started.Exited;
        started.Kill();

        exitedEarly.ShouldBeFalse();
    }

    [Fact]
    public async Task Kill_RunningChild_ExitsBySigkillAndIsGone()
    {
        using var child = new DeathSignalProcessLauncher().Start("sleep", ["60"]);

        child.Kill();

        (await child.Exited.WaitAsync(TimeSpan.FromSeconds(30), Token)).ShouldBe(128 + 9);
        ProcessProbe.IsAlive(child.Id).ShouldBeFalse();
    }

    [Fact]
    public async Task Start_ChildPrints_OutputTailHasStdoutAndStderr()
    {
        using var child = new DeathSignalProcessLauncher().Start("sh", ["-c", "echo to-out; echo to-err >&2; exit 3"]);

        var exitCode = await child.Exited.WaitAsync(TimeSpan.FromSeconds(30), Token);

        exitCode.ShouldBe(3);
        child.OutputTail.ShouldContain("to-out");
        child.OutputTail.ShouldContain("to-err");
    }

    [Fact]
    public async Task Start_WithSetpriv_ChildRunsTheProgramItselfUnderTheSamePid()
    {
        using var child = new DeathSignalProcessLauncher().Start("sleep", ["61"]);
        try
        {
            // setpriv execs the program after setting the signal; wait for the exec.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (ProcessProbe.CommandLine(child.Id) is not ["sleep", ..])
            {
                await Task.Delay(10, timeout.Token);
            }

            ProcessProbe.CommandLine(child.Id).ShouldBe(["sleep", "61"]);
        }
        finally
        {
            child.Kill();
            await child.Exited.WaitAsync(TimeSpan.FromSeconds(30), Token);
        }
    }
}
