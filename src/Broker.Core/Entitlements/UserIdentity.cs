namespace Broker.Core.Entitlements;

/// <summary>A signed-in user as the domain needs them: their id and the groups they belong to.</summary>
/// <param name="Id">The user.</param>
/// <param name="Groups">The groups the identity system puts them in.</param>
public sealed record UserIdentity(UserId Id, IReadOnlySet<GroupId> Groups)
{
    /// <summary>True when one of <paramref name="entitlements"/> for <paramref name="pool"/> names this user or one of their groups.</summary>
    public bool IsEntitledTo(Pools.PoolId pool, IEnumerable<Entitlement> entitlements)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        return entitlements.Any(entitlement => entitlement.Pool == pool && Matches(entitlement.Principal));
    }

    private bool Matches(Principal principal) => principal.Kind switch
    {
        PrincipalKind.User => string.Equals(principal.Id, Id.Value, StringComparison.Ordinal),
        PrincipalKind.Group => Groups.Contains(new GroupId(principal.Id)),
    };
}
