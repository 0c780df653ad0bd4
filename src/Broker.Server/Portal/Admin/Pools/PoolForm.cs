using Broker.Core;
using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>The create/edit pool form; fields are named as in <see cref="Pool"/>, so the domain's errors land beside them.</summary>
internal sealed class PoolForm
{
    public string? Name { get; set; }

    public PoolKind? Kind { get; set; }

    public Guid? Image { get; set; }

    public int? DesiredSize { get; set; }

    public OfflineForm Offline { get; set; } = new();

    /// <summary>The version of the pool the form was filled from (edits only).</summary>
    public long? Version { get; set; }

    /// <summary>A form showing <paramref name="pool"/>.</summary>
    public static PoolForm From(Pool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return new PoolForm
        {
            Name = pool.Name,
            Kind = pool.Kind,
            Image = pool.Image.Value,
            DesiredSize = pool.DesiredSize,
            Offline = OfflineForm.From(pool.Offline),
            Version = pool.Version,
        };
    }

    /// <summary>The form as a draft, plus the required fields left empty (Core cannot tell an empty number from zero).</summary>
    public (PoolDraft Draft, IReadOnlyList<ValidationError> Missing) ToDraft()
    {
        var missing = new List<ValidationError>();
        if (Kind is null)
        {
            missing.Add(new ValidationError(nameof(Kind), "is required."));
        }

        if (Image is null || Image == Guid.Empty)
        {
            missing.Add(new ValidationError(nameof(Image), "is required."));
        }

        if (DesiredSize is null)
        {
            missing.Add(new ValidationError(nameof(DesiredSize), "is required."));
        }

        var draft = new PoolDraft(Name, Kind ?? PoolKind.Dedicated, new ImageId(Image ?? Guid.Empty), DesiredSize ?? 0, Offline.ToDomain());
        return (draft, missing);
    }
}
