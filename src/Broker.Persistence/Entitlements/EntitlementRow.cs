using Broker.Core.Entitlements;
using Broker.Core.Pools;

namespace Broker.Persistence.Entitlements;

/// <summary>A stored <see cref="Entitlement"/>; the whole row is the key.</summary>
internal sealed class EntitlementRow
{
    public PoolId PoolId { get; set; }

    public PrincipalKind PrincipalKind { get; set; }

    public string PrincipalId { get; set; } = string.Empty;

    public static EntitlementRow From(Entitlement entitlement) => new()
    {
        PoolId = entitlement.Pool,
        PrincipalKind = entitlement.Principal.Kind,
        PrincipalId = entitlement.Principal.Id,
    };

    public Entitlement ToDomain() => new(PoolId, new Principal(PrincipalKind, PrincipalId));
}
