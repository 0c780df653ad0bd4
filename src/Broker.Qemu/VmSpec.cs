namespace Broker.Qemu;

/// <summary>Everything that decides how one VM is started; <see cref="QemuCommandLine"/> turns it into argv.</summary>
public sealed record VmSpec
{
    /// <summary>The VM's name, shown by QEMU in window titles and process listings.</summary>
    public required string Name { get; init; }

    /// <summary>Guest memory in MiB.</summary>
    public int MemoryMiB { get; init; } = 256;

    /// <summary>Virtual CPUs.</summary>
    public int Cpus { get; init; } = 1;

    /// <summary>The boot disk, served over NBD.</summary>
    public required NbdDisk Disk { get; init; }

    /// <summary>File the first serial port (COM1) is written to; created or truncated at start.</summary>
    public required string SerialLogPath { get; init; }

    /// <summary>Unix socket QEMU listens on for QMP.</summary>
    public required string QmpSocketPath { get; init; }

    /// <summary>Unix socket for the VM's VNC server, or null for no VNC.</summary>
    public string? VncSocketPath { get; init; }

    /// <summary>
    /// A local display backend for a windowed session (for example <c>gtk</c> or <c>sdl</c>), or null
    /// for none (headless, the default for servers).
    /// </summary>
    public string? Display { get; init; }

    /// <summary>
    /// File QEMU writes its process id to. When set, a start first kills a QEMU still running from an
    /// earlier process of ours with the same file (one that died without stopping it).
    /// </summary>
    public string? PidFilePath { get; init; }

    /// <summary>Further <c>-device</c> values, passed through as they are (for example <c>virtio-rng-pci</c>).</summary>
    public IReadOnlyList<string> ExtraDevices { get; init; } = [];
}
