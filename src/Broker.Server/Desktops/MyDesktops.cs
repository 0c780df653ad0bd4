using Broker.Core.Desktops;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Broker.Persistence.Desktops;

namespace Broker.Server.Desktops;

/// <summary>What a signed-in user may see of their own: the pools they are entitled to and their desktops in them.</summary>
internal sealed class MyDesktops(IEntitlementStore entitlements, IPoolStore pools, IDesktopQueries queries, DesktopActions actions)
{
    /// <summary>The pools <paramref name="user"/> (or one of their groups) is entitled to, ordered by name.</summary>
    public async Task<IReadOnlyList<Pool>> ListPoolsAsync(UserIdentity user, CancellationToken cancellationToken)
    {
        var granted = await entitlements.ListForPrincipalsAsync(Actor.Principals(user), cancellationToken);
        var grantedPools = granted.Select(entitlement => entitlement.Pool).ToHashSet();
        var all = await pools.ListAsync(cancellationToken);
        return [.. all.Where(pool => grantedPools.Contains(pool.Id)).OrderBy(pool => pool.Name, StringComparer.Ordinal)];
    }

    /// <summary>The desktops assigned to <paramref name="user"/> in pools they are still entitled to.</summary>
    public async Task<IReadOnlyList<Desktop>> ListDesktopsAsync(UserIdentity user, CancellationToken cancellationToken)
    {
        var assigned = await queries.ListAsync(new DesktopFilter(Assignee: user.Id, Take: DesktopFilter.MaxTake), cancellationToken);
        return await actions.ListOwnAsync(user, assigned.Items, cancellationToken);
    }
}
