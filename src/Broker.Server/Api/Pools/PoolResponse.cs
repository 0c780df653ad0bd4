using Broker.Core.Pools;

namespace Broker.Server.Api.Pools;

/// <summary>A pool as the API shows it; after a create or edit, <c>Unplaced</c> says how many desktops found no host with free capacity.</summary>
internal sealed record PoolResponse(Guid Id, string Name, PoolKind Kind, Guid ImageId, int DesiredSize, OfflinePolicyBody Offline, long Version, int? Unplaced = null)
{
    public static PoolResponse From(Pool pool, int? unplaced = null) =>
        new(pool.Id.Value, pool.Name, pool.Kind, pool.Image.Value, pool.DesiredSize, OfflinePolicyBody.From(pool.Offline), pool.Version, unplaced);
}
