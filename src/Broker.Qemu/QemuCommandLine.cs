using System.Globalization;

namespace Broker.Qemu;

/// <summary>Turns a <see cref="VmSpec"/> into <c>qemu-system-x86_64</c> arguments.</summary>
/// <remarks>
/// The machine is <c>pc</c> (i440FX + PIIX): its IDE disk is what SeaBIOS INT 13h boots from without
/// guest drivers, and PIIX4 ACPI is where the test guests power off (port 0x604). <c>-nodefaults</c>
/// removes every implicit device, so the serial port, VGA and the disk are added explicitly.
/// </remarks>
public static class QemuCommandLine
{
    /// <summary>Machine type every VM gets.</summary>
    public const string Machine = "pc";

    /// <summary>Node name of the NBD boot disk in the block graph.</summary>
    public const string DiskNodeName = "disk0";

    /// <summary>The arguments (without the program name) that start the VM described by <paramref name="spec"/>.</summary>
    public static IReadOnlyList<string> Build(VmSpec spec, Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(spec.Name);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.MemoryMiB, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Cpus, 1);
        ArgumentNullException.ThrowIfNull(spec.Disk);
        ArgumentException.ThrowIfNullOrEmpty(spec.Disk.SocketPath);
        ArgumentException.ThrowIfNullOrEmpty(spec.SerialLogPath);
        ArgumentException.ThrowIfNullOrEmpty(spec.QmpSocketPath);

        var arguments = new List<string>
        {
            "-name", "guest=" + Escape(spec.Name),
            "-machine", Machine,
        };

        // KVM can still fail after the probe (nested virtualization off, module busy); a second
        // -accel makes QEMU fall back to TCG instead of exiting. "kvm:tcg" is rejected as one value.
        arguments.AddRange(accelerator switch
        {
            Accelerator.Kvm => ["-accel", "kvm", "-accel", "tcg"],
            Accelerator.Tcg => ["-accel", "tcg"],
            _ => throw new ArgumentOutOfRangeException(nameof(accelerator), accelerator, "Unknown accelerator."),
        });

        arguments.AddRange(
        [
            "-m", spec.MemoryMiB.ToString(CultureInfo.InvariantCulture),
            "-smp", spec.Cpus.ToString(CultureInfo.InvariantCulture),
            "-nodefaults",
            "-no-user-config",
            "-blockdev", NbdBlockdev(spec.Disk),
            "-device", $"ide-hd,drive={DiskNodeName},bus=ide.0,bootindex=0",
            "-chardev", "file,id=serial0,path=" + Escape(spec.SerialLogPath),
            "-device", "isa-serial,chardev=serial0",
            "-device", "VGA",
            "-qmp", "unix:" + Escape(spec.QmpSocketPath) + ",server=on,wait=off",
        ]);

        if (spec.VncSocketPath is { Length: > 0 } vnc)
        {
            arguments.AddRange(["-vnc", "unix:" + Escape(vnc)]);
        }

        arguments.AddRange(["-display", spec.Display is { Length: > 0 } display ? display : "none"]);

        if (spec.PidFilePath is { Length: > 0 } pidFile)
        {
            arguments.AddRange(["-pidfile", pidFile]);
        }

        foreach (var device in spec.ExtraDevices)
        {
            ArgumentException.ThrowIfNullOrEmpty(device, nameof(spec.ExtraDevices));
            arguments.AddRange(["-device", device]);
        }

        return arguments;
    }

    private static string NbdBlockdev(NbdDisk disk)
    {
        var value = $"driver=nbd,node-name={DiskNodeName},server.type=unix,server.path={Escape(disk.SocketPath)}";
        return disk.ExportName.Length == 0 ? value : value + ",export=" + Escape(disk.ExportName);
    }

    /// <summary>QEMU option values separate keys with commas; a literal comma is written twice.</summary>
    internal static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
