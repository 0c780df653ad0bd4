using Broker.Core.Entitlements;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>The add-entitlement form: a user (by name) or a group (by id).</summary>
internal sealed class EntitlementForm
{
    public PrincipalKind? Kind { get; set; }

    public string? Id { get; set; }
}
