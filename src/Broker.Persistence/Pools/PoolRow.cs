using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Persistence.Pools;

/// <summary>A stored <see cref="Pool"/>.</summary>
internal sealed class PoolRow
{
    public PoolId Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public PoolKind Kind { get; set; }

    public ImageId ImageId { get; set; }

    public int DesiredSize { get; set; }

    public OfflinePolicyColumns Offline { get; set; } = new();

    /// <summary>Concurrency token.</summary>
    public long Version { get; set; }

    public static PoolRow From(Pool pool, long version) => new()
    {
        Id = pool.Id,
        Name = pool.Name,
        Kind = pool.Kind,
        ImageId = pool.Image,
        DesiredSize = pool.DesiredSize,
        Offline = OfflinePolicyColumns.From(pool.Offline),
        Version = version,
    };

    public Pool ToDomain() => new()
    {
        Id = Id,
        Name = Name,
        Kind = Kind,
        Image = ImageId,
        DesiredSize = DesiredSize,
        Offline = Offline.ToDomain(),
        Version = Version,
    };
}
