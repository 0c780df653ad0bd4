using Broker.Core;
using Broker.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Pools;

internal sealed class PoolStore(BrokerDbContext context) : IPoolStore
{
    public async Task<Pool?> FindAsync(PoolId id, CancellationToken cancellationToken)
    {
        var row = await context.Pools.AsNoTracking().SingleOrDefaultAsync(pool => pool.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Pool>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await context.Pools.AsNoTracking().OrderBy(pool => pool.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public Task<WriteResult> AddAsync(Pool pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return StoreWrites.AddAsync(context, PoolRow.From(pool, version: StoreWrites.FirstVersion), cancellationToken);
    }

    public Task<WriteResult> UpdateAsync(Pool pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return StoreWrites.UpdateAsync(
            context,
            PoolRow.From(pool, pool.Version + 1),
            pool.Version,
            token => context.Pools.AnyAsync(row => row.Id == pool.Id, token),
            cancellationToken);
    }
}
