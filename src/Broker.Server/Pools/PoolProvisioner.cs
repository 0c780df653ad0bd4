using System.Globalization;
using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Server.Pools;

/// <summary>
/// Grows a pool to its desired size: new desktops are placed on hosts by free capacity, on hosts
/// that imported the pool's image first and never on one that failed it (<see cref="HostPlacement"/>),
/// and stored in <see cref="DesktopState.Provisioning"/>; the reconcile loop orders the hosts to
/// build them. Shrinking is not done here (desktops may hold user data).
/// </summary>
internal sealed class PoolProvisioner(IDesktopStore desktops, IHostStore hosts, IImageImportStore imports, IAuditLog audit, TimeProvider time)
{
    /// <summary>Adds the missing desktops of <paramref name="pool"/>; answers how many found no host.</summary>
    public async Task<int> ProvisionAsync(Pool pool, string actor, CancellationToken cancellationToken)
    {
        var existing = await desktops.ListByPoolAsync(pool.Id, cancellationToken);
        var missing = pool.DesiredSize - existing.Count(desktop => desktop.State != DesktopState.Deleted);
        if (missing <= 0)
        {
            return 0;
        }

        var allHosts = await hosts.ListAsync(cancellationToken);
        var placed = new List<Desktop>();
        foreach (var host in allHosts.Where(host => host.AcceptsNewDesktops))
        {
            placed.AddRange(await desktops.ListByHostAsync(host.Id, cancellationToken));
        }

        var plan = HostPlacement.Plan(allHosts, placed, missing, await ImageOnHostsAsync(pool.Image, cancellationToken));
        var number = existing.Count;
        foreach (var host in plan.Hosts)
        {
            number++;
            var name = string.Create(CultureInfo.InvariantCulture, $"{pool.Name}-{number:000}");
            var created = DesktopStateMachine.Create(DesktopId.New(), pool.Id, name, host, pool.Image).Desktop;
            var saved = await desktops.AddAsync(created, cancellationToken);
            await audit.AppendAsync(
                new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), actor, "desktop.created", $"desktop:{created.Id}", saved.Outcome == WriteOutcome.Saved, $"{name} on host {host}, {saved.Outcome}"),
                cancellationToken);
        }

        return plan.Unplaced;
    }

    /// <summary>
    /// Which hosts imported or failed <paramref name="image"/>, by its per-host states: those of an
    /// upload, or of an image registered by address that hosts copy from each other.
    /// </summary>
    private async Task<ImageOnHosts> ImageOnHostsAsync(ImageId image, CancellationToken cancellationToken)
    {
        var states = await imports.ListHostsAsync(image, cancellationToken);
        return new ImageOnHosts(
            states.Where(state => state.State == ImageHostImportState.Imported).Select(state => state.Host).ToHashSet(),
            states.Where(state => state.State == ImageHostImportState.Failed).Select(state => state.Host).ToHashSet());
    }
}
