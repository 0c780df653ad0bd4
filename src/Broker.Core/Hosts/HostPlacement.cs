using Broker.Core.Desktops;

namespace Broker.Core.Hosts;

/// <summary>
/// Places new desktops on hosts by free capacity: each desktop goes to the host with the most free
/// slots among healthy, non-draining hosts; ties go to the host whose name, then id, sorts first,
/// so the same input always gives the same plan.
/// </summary>
public static class HostPlacement
{
    /// <summary>Chooses hosts for <paramref name="count"/> new desktops.</summary>
    /// <param name="hosts">Every host; unhealthy, offline and draining ones are skipped.</param>
    /// <param name="desktops">Desktops already placed; every one not deleted takes a slot on its host.</param>
    /// <param name="count">How many desktops to place.</param>
    public static PlacementPlan Plan(IReadOnlyList<Host> hosts, IReadOnlyList<Desktop> desktops, int count)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(desktops);
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var used = desktops
            .Where(desktop => desktop.State != DesktopState.Deleted)
            .CountBy(desktop => desktop.Host)
            .ToDictionary();
        var candidates = hosts
            .Where(host => host.AcceptsNewDesktops)
            .OrderBy(host => host.Name, StringComparer.Ordinal)
            .ThenBy(host => host.Id)
            .ToList();
        var free = candidates.ToDictionary(host => host.Id, host => host.Capacity - used.GetValueOrDefault(host.Id));

        var placed = new List<HostId>(count);
        for (var i = 0; i < count; i++)
        {
            // The first host with the most free slots; candidates are already in tie-break order.
            HostId? best = null;
            foreach (var host in candidates)
            {
                if (free[host.Id] > 0 && (best is null || free[host.Id] > free[best.Value]))
                {
                    best = host.Id;
                }
            }

            if (best is not { } chosen)
            {
                return new PlacementPlan(placed, count - i);
            }

            free[chosen]--;
            placed.Add(chosen);
        }

        return new PlacementPlan(placed, 0);
    }
}
