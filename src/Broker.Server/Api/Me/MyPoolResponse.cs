using Broker.Core.Pools;

namespace Broker.Server.Api.Me;

/// <summary>A pool the user is entitled to.</summary>
internal sealed record MyPoolResponse(Guid Id, string Name, PoolKind Kind, bool OfflineAllowed)
{
    public static MyPoolResponse From(Pool pool) => new(pool.Id.Value, pool.Name, pool.Kind, pool.Offline.Allowed);
}
