namespace Broker.Qemu;

/// <summary>How QEMU runs guest code.</summary>
public enum Accelerator
{
    /// <summary>Hardware virtualization through <c>/dev/kvm</c>.</summary>
    Kvm,

    /// <summary>QEMU's software emulator; works everywhere, much slower.</summary>
    Tcg,
}
