using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Core.Quarantine;

namespace Broker.Core.Reconciliation;

/// <summary>What the broker has stored: the state agents must converge to.</summary>
/// <param name="Desktops">Desktops, deleted ones included (their hosts may still hold files).</param>
/// <param name="Pools">The pools the desktops belong to (for their policies).</param>
/// <param name="Hosts">Every host.</param>
/// <param name="Devices">Every device.</param>
public sealed record DesiredState(
    IReadOnlyList<Desktop> Desktops,
    IReadOnlyList<Pool> Pools,
    IReadOnlyList<Host> Hosts,
    IReadOnlyList<Device> Devices)
{
    /// <summary>Quarantined layers an admin asked to promote whose host has not reported it done.</summary>
    public IReadOnlyList<QuarantinedLayer> Promotions { get; init; } = [];
}
