namespace Broker.Qemu.Tests;

public sealed class QemuCommandLineTests
{
    private static readonly VmSpec Minimal = new()
    {
        Name = "desk-1",
        MemoryMiB = 512,
        Cpus = 2,
        Disk = new NbdDisk("/run/broker/desk-1/nbd.sock", "desk-1"),
        SerialLogPath = "/var/log/broker/desk-1.serial",
        QmpSocketPath = "/run/broker/desk-1/qmp.sock",
    };

    [Fact]
    public void Build_MinimalSpecUnderTcg_ProducesHeadlessPcWithNbdDiskSerialAndQmp()
    {
        var arguments = QemuCommandLine.Build(Minimal, Accelerator.Tcg);

        arguments.ShouldBe(
        [
            "-name", "guest=desk-1",
            "-machine", "pc",
            "-accel", "tcg",
            "-m", "512",
            "-smp", "2",
            "-nodefaults",
            "-no-user-config",
            "-blockdev", "driver=nbd,node-name=disk0,server.type=unix,server.path=/run/broker/desk-1/nbd.sock,export=desk-1",
            "-device", "ide-hd,drive=disk0,bus=ide.0,bootindex=0",
            "-chardev", "file,id=serial0,path=/var/log/broker/desk-1.serial",
            "-device", "isa-serial,chardev=serial0",
            "-device", "VGA",
            "-qmp", "unix:/run/broker/desk-1/qmp.sock,server=on,wait=off",
            "-display", "none",
        ]);
    }

    [Fact]
    public void Build_Kvm_AddsTcgAsASeparateFallbackAccelerator()
    {
        var arguments = QemuCommandLine.Build(Minimal, Accelerator.Kvm);

        ValuesOf(arguments, "-accel").ShouldBe(["kvm", "tcg"]);
    }

    [Fact]
    public void Build_VncDisplayPidFileAndDevices_AddsThemInOrder()
    {
        var spec = Minimal with
        {
            VncSocketPath = "/run/broker/desk-1/vnc.sock",
            Display = "gtk",
            PidFilePath = "/run/broker/desk-1/qemu.pid",
            ExtraDevices = ["virtio-rng-pci", "usb-tablet"],
        };

        var arguments = QemuCommandLine.Build(spec, Accelerator.Tcg);

        ValuesOf(arguments, "-vnc").ShouldBe(["unix:/run/broker/desk-1/vnc.sock"]);
        ValuesOf(arguments, "-display").ShouldBe(["gtk"]);
        ValuesOf(arguments, "-pidfile").ShouldBe(["/run/broker/desk-1/qemu.pid"]);
        ValuesOf(arguments, "-device")[^2..].ShouldBe(["virtio-rng-pci", "usb-tablet"]);
    }

    [Fact]
    public void Build_DefaultExport_OmitsTheExportKey()
    {
        var spec = Minimal with { Disk = new NbdDisk("/run/nbd.sock") };

        var arguments = QemuCommandLine.Build(spec, Accelerator.Tcg);

        ValuesOf(arguments, "-blockdev").ShouldBe(["driver=nbd,node-name=disk0,server.type=unix,server.path=/run/nbd.sock"]);
    }

    [Fact]
    public void Build_CommasInValues_DoublesThemSoQemuReadsThemLiterally()
    {
        var spec = Minimal with
        {
            Name = "a,b",
            Disk = new NbdDisk("/tmp/x,y/nbd.sock", "e,f"),
            SerialLogPath = "/tmp/x,y/serial.log",
            QmpSocketPath = "/tmp/x,y/qmp.sock",
        };

        var arguments = QemuCommandLine.Build(spec, Accelerator.Tcg);

        ValuesOf(arguments, "-name").ShouldBe(["guest=a,,b"]);
        ValuesOf(arguments, "-blockdev").Single().ShouldEndWith("server.path=/tmp/x,,y/nbd.sock,export=e,,f");
        ValuesOf(arguments, "-chardev").ShouldBe(["file,id=serial0,path=/tmp/x,,y/serial.log"]);
        ValuesOf(arguments, "-qmp").ShouldBe(["unix:/tmp/x,,y/qmp.sock,server=on,wait=off"]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(256, 0)]
    public void Build_NonPositiveMemoryOrCpus_Throws(int memoryMiB, int cpus)
    {
        var spec = Minimal with { MemoryMiB = memoryMiB, Cpus = cpus };

        Should.Throw<ArgumentOutOfRangeException>(() => QemuCommandLine.Build(spec, Accelerator.Tcg));
    }

    [Fact]
    public void Build_EmptyExtraDevice_Throws()
    {
        var spec = Minimal with { ExtraDevices = [""] };

        Should.Throw<ArgumentException>(() => QemuCommandLine.Build(spec, Accelerator.Tcg));
    }

    private static string[] ValuesOf(IReadOnlyList<string> arguments, string option) =>
        [.. arguments.Index().Where(pair => pair.Item == option).Select(pair => arguments[pair.Index + 1])];
}
