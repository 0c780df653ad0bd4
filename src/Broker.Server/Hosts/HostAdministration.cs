using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Hosts;
using Broker.Persistence;
using Broker.Server.Administration;
using Host = Broker.Core.Hosts.Host;

namespace Broker.Server.Hosts;

/// <summary>What admins do to hosts: drain (keep its desktops, place no new ones) and undrain.</summary>
internal sealed class HostAdministration(BrokerDbContext database, IHostStore hosts, IAuditLog audit, TimeProvider time)
{
    /// <summary>Sets whether host <paramref name="id"/>, as read at <paramref name="version"/>, is draining; a change in between is a conflict.</summary>
    public async Task<ChangeResult<Host>> SetDrainingAsync(HostId id, bool draining, long version, string actor, CancellationToken cancellationToken)
    {
        var host = await hosts.FindAsync(id, cancellationToken);
        if (host is null)
        {
            return ChangeResult<Host>.NotFound($"There is no host {id}.");
        }

        var changed = host with { Draining = draining, Version = version };
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var saved = await hosts.UpdateAsync(changed, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ChangeResult<Host>.ConcurrentUpdate($"Host '{host.Name}' was changed by someone else. Reload and try again.");
        }

        await audit.RecordAsync(time, actor, draining ? "host.drained" : "host.undrained", $"host:{id}", host.Name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult<Host>.Done(changed with { Version = saved.Version });
    }
}
