namespace Broker.Core.Entitlements;

/// <summary>Who an entitlement is for: one user or a group.</summary>
/// <param name="Kind">User or group.</param>
/// <param name="Id">The user's or group's id in the identity system.</param>
public sealed record Principal(PrincipalKind Kind, string Id)
{
    /// <summary>The principal for one user.</summary>
    public static Principal ForUser(UserId user) => new(PrincipalKind.User, user.Value);

    /// <summary>The principal for a group.</summary>
    public static Principal ForGroup(GroupId group) => new(PrincipalKind.Group, group.Value);
}
