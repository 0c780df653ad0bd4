using Broker.Core;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Entitlements;

internal sealed class EntitlementStore(BrokerDbContext context) : IEntitlementStore
{
    public async Task<IReadOnlyList<Entitlement>> ListForPoolAsync(PoolId pool, CancellationToken cancellationToken)
    {
        var rows = await context.Entitlements.AsNoTracking()
            .Where(entitlement => entitlement.PoolId == pool)
            .OrderBy(entitlement => entitlement.PrincipalKind).ThenBy(entitlement => entitlement.PrincipalId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<Entitlement>> ListForPrincipalsAsync(IReadOnlyCollection<Principal> principals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principals);
        var users = principals.Where(principal => principal.Kind == PrincipalKind.User).Select(principal => principal.Id).ToList();
        var groups = principals.Where(principal => principal.Kind == PrincipalKind.Group).Select(principal => principal.Id).ToList();
        var rows = await context.Entitlements.AsNoTracking()
            .Where(entitlement =>
                (entitlement.PrincipalKind == PrincipalKind.User && users.Contains(entitlement.PrincipalId))
                || (entitlement.PrincipalKind == PrincipalKind.Group && groups.Contains(entitlement.PrincipalId)))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<WriteResult> AddAsync(Entitlement entitlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entitlement);
        if (!await context.Pools.AnyAsync(pool => pool.Id == entitlement.Pool, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.NotFound;
        }

        // A pool deleted between the check and the insert breaks the foreign key: also a conflict.
        return await StoreWrites.AddAsync(context, EntitlementRow.From(entitlement), cancellationToken).ConfigureAwait(false);
    }

    public async Task<WriteResult> RemoveAsync(Entitlement entitlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entitlement);
        var removed = await context.Entitlements
            .Where(row => row.PoolId == entitlement.Pool
                && row.PrincipalKind == entitlement.Principal.Kind
                && row.PrincipalId == entitlement.Principal.Id)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return removed == 0 ? WriteResult.NotFound : WriteResult.Saved(1);
    }
}
