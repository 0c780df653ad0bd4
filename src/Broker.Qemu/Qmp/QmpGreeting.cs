namespace Broker.Qemu.Qmp;

/// <summary>What QEMU announces when a QMP connection opens.</summary>
/// <param name="Version">QEMU's version as <c>major.minor.micro</c>.</param>
/// <param name="Capabilities">Optional protocol capabilities QEMU offers (none are enabled by this client).</param>
public sealed record QmpGreeting(string Version, IReadOnlyList<string> Capabilities);
