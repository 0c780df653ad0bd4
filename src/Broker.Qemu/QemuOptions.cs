namespace Broker.Qemu;

/// <summary>How VMs are started and stopped on this machine; bound from configuration.</summary>
public sealed class QemuOptions
{
    /// <summary>The QEMU binary, a name on PATH or a path.</summary>
    public string Executable { get; set; } = "qemu-system-x86_64";

    /// <summary>Forces an accelerator; null (the default) probes <see cref="KvmDevicePath"/>.</summary>
    public Accelerator? Accelerator { get; set; }

    /// <summary>The KVM device the probe opens.</summary>
    public string KvmDevicePath { get; set; } = AcceleratorProbe.DefaultKvmDevicePath;

    /// <summary>How long QEMU may take from launch to answering on its QMP socket.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the guest may take to power off after the ACPI power button before QEMU is told to quit.</summary>
    public TimeSpan PowerdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long QEMU may take to exit after <c>quit</c> (and to answer each shutdown command) before it is killed.</summary>
    public TimeSpan QuitTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
