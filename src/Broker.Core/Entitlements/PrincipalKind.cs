namespace Broker.Core.Entitlements;

/// <summary>Whether an entitlement names a user or a group.</summary>
public enum PrincipalKind
{
    /// <summary>One user.</summary>
    User,

    /// <summary>Every member of a group.</summary>
    Group,
}
