using System.Globalization;
using Broker.Qemu.Processes;
using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.Qemu.Tests.Processes;

public sealed class StaleProcessReaperTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("broker-reaper-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ReapAsync_ProcessNamesThePidFile_KillsItAndDeletesTheFile()
    {
        var pidFile = _directory.File("qemu.pid");
        using var stale = new DeathSignalProcessLauncher().Start(
            "qemu-system-x86_64", ["-machine", "none", "-nodefaults", "-display", "none", "-pidfile", pidFile]);
        await WaitUntilAsync(() => File.Exists(pidFile) && new FileInfo(pidFile).Length > 0);

        var killed = await StaleProcessReaper.ReapAsync(pidFile, Timeout, TimeProvider.System, Token);

        killed.ShouldBe(stale.Id);
        (await stale.Exited.WaitAsync(Timeout, Token)).ShouldBe(128 + 9);
        File.Exists(pidFile).ShouldBeFalse();
    }

    [Fact]
    public async Task ReapAsync_PidBelongsToAnUnrelatedProcess_LeavesItRunning()
    {
        var pidFile = _directory.File("qemu.pid");
        using var unrelated = new DeathSignalProcessLauncher().Start("sleep", ["60"]);
        try
        {
            await File.WriteAllTextAsync(pidFile, unrelated.Id.ToString(CultureInfo.InvariantCulture), Token);

            var killed = await StaleProcessReaper.ReapAsync(pidFile, Timeout, TimeProvider.System, Token);

            killed.ShouldBeNull();
            ProcessProbe.IsAlive(unrelated.Id).ShouldBeTrue();
            File.Exists(pidFile).ShouldBeFalse();
        }
        finally
        {
            unrelated.Kill();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(Timeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a pid")]
    [InlineData("-5")]
    [InlineData("99999999999999")]
    public async Task ReapAsync_PidFileGarbage_KillsNothing(string content)
    {
        var pidFile = _directory.File("qemu.pid");
        await File.WriteAllTextAsync(pidFile, content, Token);

        var killed = await StaleProcessReaper.ReapAsync(pidFile, Timeout, TimeProvider.System, Token);

        killed.ShouldBeNull();
    }

    [Fact]
    public async Task ReapAsync_NoPidFile_KillsNothing()
    {
        var killed = await StaleProcessReaper.ReapAsync(_directory.File("absent.pid"), Timeout, TimeProvider.System, Token);

        killed.ShouldBeNull();
    }
}
