namespace Broker.Qemu.Qmp;

/// <summary>Names of the QMP events the broker acts on.</summary>
public static class QmpEventNames
{
    /// <summary>QEMU is exiting or the guest powered off (before QEMU exits).</summary>
    public const string Shutdown = "SHUTDOWN";

    /// <summary>The VM was paused.</summary>
    public const string Stop = "STOP";

    /// <summary>The VM runs again.</summary>
    public const string Resume = "RESUME";

    /// <summary>An ACPI power-button press was delivered to the guest.</summary>
    public const string Powerdown = "POWERDOWN";
}
