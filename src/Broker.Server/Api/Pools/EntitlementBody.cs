using Broker.Core.Entitlements;

namespace Broker.Server.Api.Pools;

/// <summary>An entitlement on the wire: a user (by user name or id) or a group (by id).</summary>
internal sealed record EntitlementBody(PrincipalKind? Kind, string? Id);
