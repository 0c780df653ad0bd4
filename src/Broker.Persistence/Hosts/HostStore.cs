using Broker.Core;
using Broker.Core.Hosts;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Hosts;

internal sealed class HostStore(BrokerDbContext context) : IHostStore
{
    public async Task<Host?> FindAsync(HostId id, CancellationToken cancellationToken)
    {
        var row = await context.Hosts.AsNoTracking().SingleOrDefaultAsync(host => host.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Host>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await context.Hosts.AsNoTracking().OrderBy(host => host.Name).ThenBy(host => host.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public Task<WriteResult> AddAsync(Host host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return StoreWrites.AddAsync(context, HostRow.From(host, version: StoreWrites.FirstVersion), cancellationToken);
    }

    public Task<WriteResult> UpdateAsync(Host host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return StoreWrites.UpdateAsync(
            context,
            HostRow.From(host, host.Version + 1),
            host.Version,
            token => context.Hosts.AnyAsync(row => row.Id == host.Id, token),
            cancellationToken);
    }

    public Task RecordLastSeenAsync(IReadOnlyDictionary<HostId, DateTimeOffset> seen, CancellationToken cancellationToken) =>
        LastSeenWrites.AdvanceAsync(
            context,
            seen,
            (ids, at, token) => context.Hosts
                .Where(row => ids.Contains(row.Id) && (row.LastSeen == null || row.LastSeen < at))
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.LastSeen, at), token),
            cancellationToken);
}
