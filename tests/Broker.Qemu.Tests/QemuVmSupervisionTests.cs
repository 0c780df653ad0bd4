using Broker.Qemu.Tests.Processes;
using Broker.Qemu.Tests.Qmp;
using Broker.Testing;

namespace Broker.Qemu.Tests;

/// <summary>The supervisor's start and shutdown logic against a fake process and a scripted QMP peer.</summary>
public sealed class QemuVmSupervisionTests : IAsyncDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    private readonly TempDirectory _directory = new("broker-qemuvm-");
    private readonly FakeProcessLauncher _launcher = new();
    private FakeQmpServer? _server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private VmSpec Spec => new()
    {
        Name = "fake",
        Disk = new NbdDisk(_directory.File("nbd.sock")),
        SerialLogPath = _directory.File("serial.log"),
        QmpSocketPath = _directory.File("qmp.sock"),
    };

    private FakeQmpServer Server => _server ?? throw new InvalidOperationException("QEMU was not started.");

    private FakeChildProcess Process => _launcher.Process ?? throw new InvalidOperationException("QEMU was not started.");

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task StartAsync_Spec_LaunchesConfiguredExecutableWithTheSpecsCommandLine()
    {
        var options = Options();
        options.Executable = "/opt/qemu/bin/qemu-system-x86_64";
        ServeQmp();

        await using var vm = await QemuVm.StartAsync(Spec, options, TimeProvider.System, _launcher, Token);

        _launcher.FileName.ShouldBe("/opt/qemu/bin/qemu-system-x86_64");
        _launcher.Arguments.ShouldBe(QemuCommandLine.Build(Spec, Accelerator.Tcg));
        vm.Accelerator.Accelerator.ShouldBe(Accelerator.Tcg);
        vm.ProcessId.ShouldBe(Process.Id);
    }

    [Fact]
    public async Task StartAsync_QemuExitsBeforeQmpAnswers_ThrowsWithQemusOutput()
    {
        _launcher.OnStart = process =>
        {
            process.OutputTail = "qemu-system-x86_64: Failed to connect to 'nbd.sock': No such file or directory";
            process.Exit(1);
        };

        var error = await Should.ThrowAsync<QemuStartException>(() => QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token));

        error.Output.ShouldContain("Failed to connect");
        error.Message.ShouldContain("code 1");
    }

    [Fact]
    public async Task StartAsync_QmpNeverListens_TimesOutAndKillsQemu()
    {
        var options = Options();
        options.StartTimeout = Short;

        await Should.ThrowAsync<QemuStartException>(() => QemuVm.StartAsync(Spec, options, TimeProvider.System, _launcher, Token));

        Process.Killed.ShouldBeTrue();
    }

    [Fact]
    public async Task ShutdownAsync_GuestPowersOff_NeitherQuitsNorKills()
    {
        ServeQmp(async (request, peer, process) =>
        {
            await peer.ReplyAsync(request);
            if (request.Command == "system_powerdown")
            {
                process.Exit(0);
            }
        });
        await using var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token);

        var exitCode = await vm.ShutdownAsync(Token);

        exitCode.ShouldBe(0);
        Server.Commands.ShouldBe(["qmp_capabilities", "system_powerdown"]);
        Process.Killed.ShouldBeFalse();
    }

    [Fact]
    public async Task ShutdownAsync_GuestIgnoresPowerdown_QuitsQemuAfterTheTimeout()
    {
        ServeQmp(async (request, peer, process) =>
        {
            await peer.ReplyAsync(request);
            if (request.Command == "quit")
            {
                process.Exit(0);
            }
        });
        await using var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token);

        var exitCode = await vm.ShutdownAsync(Token);

        exitCode.ShouldBe(0);
        Server.Commands.ShouldBe(["qmp_capabilities", "system_powerdown", "quit"]);
        Process.Killed.ShouldBeFalse();
    }

    [Fact]
    public async Task ShutdownAsync_QemuIgnoresQuit_KillsIt()
    {
        ServeQmp();
        await using var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token);

        var exitCode = await vm.ShutdownAsync(Token);

        exitCode.ShouldBe(FakeChildProcess.KilledExitCode);
        Server.Commands.ShouldBe(["qmp_capabilities", "system_powerdown", "quit"]);
        Process.Killed.ShouldBeTrue();
    }

    [Fact]
    public async Task ShutdownAsync_QmpHangs_KillsIt()
    {
        ServeQmp((_, _, _) => Task.CompletedTask);
        await using var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token);

        await vm.ShutdownAsync(Token);

        Process.Killed.ShouldBeTrue();
    }

    [Fact]
    public async Task ShutdownAsync_CalledConcurrently_RunsOneShutdown()
    {
        ServeQmp();
        await using var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token);

        await Task.WhenAll(vm.ShutdownAsync(Token), vm.ShutdownAsync(Token));

        Server.Commands.Count(command => command == "system_powerdown").ShouldBe(1);
    }

    [Fact]
    public async Task ShutdownAsync_TokenCancelled_KillsWithoutWaitingForTheGuest()
    {
        var options = Options();
        options.PowerdownTimeout = TimeSpan.FromHours(1);
        ServeQmp();
        await using var vm = await QemuVm.StartAsync(Spec, options, TimeProvider.System, _launcher, Token);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var shutdown = vm.ShutdownAsync(cancellation.Token);
        await WaitForCommandAsync("system_powerdown");

        await cancellation.CancelAsync();

        (await shutdown).ShouldBe(FakeChildProcess.KilledExitCode);
        Process.Killed.ShouldBeTrue();
    }

    [Fact]
    public async Task StartAsync_LifetimeTokenCancelledLater_ShutsTheVmDown()
    {
        ServeQmp(async (request, peer, process) =>
        {
            await peer.ReplyAsync(request);
            if (request.Command == "system_powerdown")
            {
                process.Exit(0);
            }
        });
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(Token);
        await using var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, lifetime.Token);

        await lifetime.CancelAsync();

        (await vm.Exited.WaitAsync(Token)).ShouldBe(0);
        Server.Commands.ShouldContain("system_powerdown");
    }

    [Fact]
    public async Task DisposeAsync_RunningVm_ShutsDownAndReleasesTheProcess()
    {
        ServeQmp();
        var vm = await QemuVm.StartAsync(Spec, Options(), TimeProvider.System, _launcher, Token);

        await vm.DisposeAsync();

        vm.Exited.IsCompleted.ShouldBeTrue();
        Process.Disposed.ShouldBeTrue();
    }

    private static QemuOptions Options() => new()
    {
        Accelerator = Accelerator.Tcg,
        StartTimeout = TimeSpan.FromSeconds(30),
        PowerdownTimeout = Short,
        QuitTimeout = Short,
    };

    /// <summary>QEMU "opens" its QMP socket when the fake process starts; the handler sees that process.</summary>
    private void ServeQmp(Func<FakeQmpRequest, FakeQmpServer, FakeChildProcess, Task>? onCommand = null)
    {
        _launcher.OnStart = process => _server = new FakeQmpServer(
            Spec.QmpSocketPath,
            onCommand is null ? null : (request, peer) => onCommand(request, peer, process));
    }

    private async Task WaitForCommandAsync(string command)
    {
        while (!Server.Commands.Contains(command))
        {
            await Task.Delay(5, Token);
        }
    }
}
