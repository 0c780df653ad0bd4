using Broker.Core.Desktops;

namespace Broker.Core.Hosts;

/// <summary>
/// Places new desktops on hosts by free capacity: each desktop goes to the host with the most free
/// slots among healthy, non-draining hosts that did not fail the pool's image, a host that holds
/// the image before one that does not (<see cref="ImageOnHosts"/>); ties go to the host whose name,
/// then id, sorts first, so the same input always gives the same plan.
/// </summary>
public static class HostPlacement
{
    /// <summary>Chooses hosts for <paramref name="count"/> new desktops.</summary>
    /// <param name="hosts">Every host; unhealthy, offline and draining ones are skipped.</param>
    /// <param name="desktops">Desktops already placed; every one not deleted takes a slot on its host.</param>
    /// <param name="count">How many desktops to place.</param>
    /// <param name="image">Which hosts hold or failed the desktops' image; <see cref="ImageOnHosts.Unknown"/> when null.</param>
    public static PlacementPlan Plan(IReadOnlyList<Host> hosts, IReadOnlyList<Desktop> desktops, int count, ImageOnHosts? image = null)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(desktops);
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var used = desktops
            .Where(desktop => desktop.State != DesktopState.Deleted)
            .CountBy(desktop => desktop.Host)
            .ToDictionary();
        image ??= ImageOnHosts.Unknown;
        var candidates = hosts
            .Where(host => host.AcceptsNewDesktops && !image.Failed.Contains(host.Id))
            .OrderBy(host => host.Name, StringComparer.Ordinal)
            .ThenBy(host => host.Id)
            .ToList();
        var free = candidates.ToDictionary(host => host.Id, host => host.Capacity - used.GetValueOrDefault(host.Id));

        var placed = new List<HostId>(count);
        for (var i = 0; i < count; i++)
        {
            // The first host with the most free slots among those holding the image, else among
            // all; candidates are already in tie-break order.
            HostId? best = null;
            foreach (var host in candidates)
            {
                if (free[host.Id] > 0 && (best is null || Better(host.Id, best.Value)))
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

        bool Better(HostId host, HostId than)
        {
            var holds = image.Holding.Contains(host);
            return holds != image.Holding.Contains(than) ? holds : free[host] > free[than];
        }
    }
}
