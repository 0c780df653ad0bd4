namespace Broker.Qemu;

/// <summary>The accelerator chosen for a VM and why, for the caller's log.</summary>
public sealed record AcceleratorChoice(Accelerator Accelerator, string Reason);
