namespace Broker.Core.Hosts;

/// <summary>Where new desktops go, as decided by <see cref="HostPlacement.Plan"/>.</summary>
/// <param name="Hosts">One host per placed desktop, in placement order.</param>
/// <param name="Unplaced">How many desktops found no host with free capacity.</param>
public sealed record PlacementPlan(IReadOnlyList<HostId> Hosts, int Unplaced)
{
    /// <summary>True when every requested desktop got a host.</summary>
    public bool IsComplete => Unplaced == 0;
}
