namespace Broker.Core.Reconciliation;

/// <summary>What agents reported since the last round. An agent without a report gets no commands this round.</summary>
/// <param name="Hosts">Host agents' reports.</param>
/// <param name="Devices">Client agents' reports.</param>
public sealed record ObservedState(IReadOnlyList<HostReport> Hosts, IReadOnlyList<DeviceReport> Devices);
