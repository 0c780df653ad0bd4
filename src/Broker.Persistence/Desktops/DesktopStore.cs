using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Desktops;

internal sealed class DesktopStore(BrokerDbContext context) : IDesktopStore, IDesktopQueries
{
    public async Task<Desktop?> FindAsync(DesktopId id, CancellationToken cancellationToken)
    {
        var row = await context.Desktops.AsNoTracking().SingleOrDefaultAsync(desktop => desktop.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Desktop>> FindManyAsync(IReadOnlyCollection<DesktopId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.ToList();
        var rows = await context.Desktops.AsNoTracking().Where(desktop => wanted.Contains(desktop.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<Desktop>> ListByPoolAsync(PoolId pool, CancellationToken cancellationToken)
    {
        var rows = await context.Desktops.AsNoTracking()
            .Where(desktop => desktop.PoolId == pool)
            .OrderBy(desktop => desktop.Name).ThenBy(desktop => desktop.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<Desktop>> ListByHostAsync(HostId host, CancellationToken cancellationToken)
    {
        var rows = await context.Desktops.AsNoTracking()
            .Where(desktop => desktop.HostId == host)
            .OrderBy(desktop => desktop.Name).ThenBy(desktop => desktop.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<Desktop>> ListByHostsAsync(IReadOnlyCollection<HostId> hosts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var wanted = hosts.ToList();
        var rows = await context.Desktops.AsNoTracking().Where(desktop => wanted.Contains(desktop.HostId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<DesktopPage> ListAsync(DesktopFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var rows = context.Desktops.AsNoTracking();
        if (filter.Pool is { } pool)
        {
            rows = rows.Where(desktop => desktop.PoolId == pool);
        }

        if (filter.State is { } state)
        {
            rows = rows.Where(desktop => desktop.State == state);
        }

        if (filter.Assignee is { } assignee)
        {
            rows = rows.Where(desktop => desktop.Assignee == assignee);
        }

        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        var page = await rows
            .OrderBy(desktop => desktop.PoolId).ThenBy(desktop => desktop.Name).ThenBy(desktop => desktop.Id)
            .Skip(Math.Max(0, filter.Skip))
            .Take(Math.Clamp(filter.Take, 0, DesktopFilter.MaxTake))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new DesktopPage(page.ConvertAll(row => row.ToDomain()), total);
    }

    public Task<WriteResult> AddAsync(Desktop desktop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        return StoreWrites.AddAsync(context, DesktopRow.From(desktop, version: StoreWrites.FirstVersion), cancellationToken);
    }

    public Task<WriteResult> UpdateAsync(Desktop desktop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        return StoreWrites.UpdateAsync(
            context,
            DesktopRow.From(desktop, desktop.Version + 1),
            desktop.Version,
            token => context.Desktops.AnyAsync(row => row.Id == desktop.Id, token),
            cancellationToken);
    }
}
