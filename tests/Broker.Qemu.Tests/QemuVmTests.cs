using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Broker.Qemu.Processes;
using Broker.Qemu.Qmp;
using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.Qemu.Tests;

/// <summary>Supervision and QMP against real QEMU running the halt guest, which ignores ACPI.</summary>
public sealed partial class QemuVmTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Qmp_StopThenContinue_ReportsPausedThenRunningWithEvents()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        await using var vm = await StartHaltedGuestAsync(machine);

        var before = await vm.Qmp.QueryStatusAsync(Token);
        await vm.Qmp.StopAsync(Token);
        var paused = await vm.Qmp.QueryStatusAsync(Token);
        var stopEvent = await NextEventAsync(vm.Qmp, QmpEventNames.Stop);
        await vm.Qmp.ContinueAsync(Token);
        var resumed = await vm.Qmp.QueryStatusAsync(Token);
        var resumeEvent = await NextEventAsync(vm.Qmp, QmpEventNames.Resume);

        before.ShouldBe(new QmpStatus(true, "running"));
        paused.ShouldBe(new QmpStatus(false, "paused"));
        resumed.ShouldBe(new QmpStatus(true, "running"));
        stopEvent.Timestamp.ShouldNotBeNull();
        resumeEvent.Name.ShouldBe(QmpEventNames.Resume);
    }

    [Fact]
    public async Task Qmp_UnknownCommand_ThrowsQmpErrorException()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        await using var vm = await StartHaltedGuestAsync(machine);

        var error = await Should.ThrowAsync<QmpErrorException>(() => vm.Qmp.ExecuteAsync("no-such-command", cancellationToken: Token));

        error.ErrorClass.ShouldBe("CommandNotFound");
    }

    [Fact]
    public async Task ShutdownAsync_GuestIgnoresAcpi_PowersDownThenQuitsAndLeavesNoProcess()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        await using var vm = await StartHaltedGuestAsync(machine);

        var exitCode = await vm.ShutdownAsync(Token);

        exitCode.ShouldBe(0, vm.Output);
        (await DrainEventNamesAsync(vm.Qmp)).ShouldContain(QmpEventNames.Powerdown);
        ProcessProbe.IsAlive(vm.ProcessId).ShouldBeFalse();
    }

    [Fact]
    public async Task ShutdownAsync_TokenAlreadyCancelled_KillsQemu()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        await using var vm = await StartHaltedGuestAsync(machine);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var exitCode = await vm.ShutdownAsync(cancelled.Token);

        exitCode.ShouldBe(128 + 9);
        ProcessProbe.IsAlive(vm.ProcessId).ShouldBeFalse();
    }

    [Fact]
    public async Task StartAsync_LifetimeCancelled_StopsQemuAndLeavesNoProcess()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(Token);
        await using var vm = await StartHaltedGuestAsync(machine, lifetime.Token);
        ProcessProbe.IsAlive(vm.ProcessId).ShouldBeTrue();

        await lifetime.CancelAsync();
        await vm.Exited.WaitAsync(GuestMachine.BootTimeout, Token);

        ProcessProbe.IsAlive(vm.ProcessId).ShouldBeFalse();
    }

    [Fact]
    public async Task StartAsync_QemuLeftRunningWithTheSamePidFile_KillsItFirst()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        var spec = machine.NextSpec();
        using var stale = new DeathSignalProcessLauncher().Start(
            GuestMachine.Options.Executable,
            ["-machine", "none", "-nodefaults", "-display", "none", "-pidfile", spec.PidFilePath!]);
        await WaitUntilAsync(() => File.Exists(spec.PidFilePath!) && new FileInfo(spec.PidFilePath!).Length > 0);

        await using var vm = await QemuVm.StartAsync(spec, GuestMachine.Options, TimeProvider.System, Token);

        (await stale.Exited.WaitAsync(GuestMachine.BootTimeout, Token)).ShouldBe(128 + 9);
        ProcessProbe.IsAlive(vm.ProcessId).ShouldBeTrue();
        await SerialLog.WaitForAsync(spec.SerialLogPath, HaltedPattern(), Token, giveUp: vm.Exited);
    }

    [Fact]
    public async Task StartAsync_WithVncSocket_ServesRfb()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Halt, Token);
        await using var vm = await StartHaltedGuestAsync(machine);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        await socket.ConnectAsync(new UnixDomainSocketEndPoint(vm.Spec.VncSocketPath!), Token);
        var banner = new byte[12];
        await socket.ReceiveAsync(banner, SocketFlags.None, Token);

        Encoding.ASCII.GetString(banner).ShouldBe("RFB 003.008\n");
    }

    [Fact]
    public async Task StartAsync_NbdServerMissing_ThrowsWithQemusError()
    {
        using var directory = new TempDirectory("broker-qemu-");
        var spec = new VmSpec
        {
            Name = "no-disk",
            MemoryMiB = 32,
            Disk = new NbdDisk(directory.File("absent.sock")),
            SerialLogPath = directory.File("serial.log"),
            QmpSocketPath = directory.File("qmp.sock"),
        };

        var error = await Should.ThrowAsync<QemuStartException>(() => QemuVm.StartAsync(spec, GuestMachine.Options, TimeProvider.System, Token));

        error.Output.ShouldContain("absent.sock");
    }

    [GeneratedRegex("halted")]
    private static partial Regex HaltedPattern();

    private static async Task<QemuVm> StartHaltedGuestAsync(GuestMachine machine, CancellationToken? lifetime = null)
    {
        var spec = machine.NextSpec();
        var vm = await QemuVm.StartAsync(spec, GuestMachine.Options, TimeProvider.System, lifetime ?? Token);
        try
        {
            await SerialLog.WaitForAsync(spec.SerialLogPath, HaltedPattern(), Token, giveUp: vm.Exited);
            return vm;
        }
        catch
        {
            await vm.DisposeAsync();
            throw;
        }
    }

    private static async Task<QmpEvent> NextEventAsync(QmpClient qmp, string name)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(GuestMachine.BootTimeout);
        await foreach (var qmpEvent in qmp.Events.ReadAllAsync(timeout.Token))
        {
            if (qmpEvent.Name == name)
            {
                return qmpEvent;
            }
        }

        throw new InvalidOperationException($"The QMP connection closed before a {name} event.");
    }

    /// <summary>Every event up to the connection's close (QEMU has exited).</summary>
    private static async Task<List<string>> DrainEventNamesAsync(QmpClient qmp)
    {
        await qmp.Completion.WaitAsync(GuestMachine.BootTimeout, Token);
        var names = new List<string>();
        while (qmp.Events.TryRead(out var qmpEvent))
        {
            names.Add(qmpEvent.Name);
        }

        return names;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(GuestMachine.BootTimeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
