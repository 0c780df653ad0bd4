using Broker.Core.Pools;

namespace Broker.Core.Entitlements;

/// <summary>Permission for a user, or for a group's members, to get desktops from a pool.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Principal">Who may use it.</param>
public sealed record Entitlement(PoolId Pool, Principal Principal);
