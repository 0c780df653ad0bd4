namespace Broker.Qemu;

/// <summary>Chooses KVM when the KVM device opens for reading and writing, else TCG.</summary>
public static class AcceleratorProbe
{
    /// <summary>The KVM device on Linux.</summary>
    public const string DefaultKvmDevicePath = "/dev/kvm";

    /// <summary>
    /// Opens <paramref name="kvmDevicePath"/> read-write, as QEMU will: existing is not enough (a
    /// container or a user outside the <c>kvm</c> group sees the node but may not open it).
    /// </summary>
    public static AcceleratorChoice Detect(string kvmDevicePath = DefaultKvmDevicePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(kvmDevicePath);
        try
        {
            using var handle = File.OpenHandle(kvmDevicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return new AcceleratorChoice(Accelerator.Kvm, $"{kvmDevicePath} opens read-write");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new AcceleratorChoice(Accelerator.Tcg, $"{kvmDevicePath} unusable ({exception.Message}); using TCG");
        }
    }
}
