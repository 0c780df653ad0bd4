using System.Security.Claims;
using Broker.Core.Entitlements;

namespace Broker.Server.Desktops;

/// <summary>The signed-in caller as the domain sees them.</summary>
internal static class Actor
{
    /// <summary>Claim type naming a group the user belongs to (one claim per group).</summary>
    public const string GroupClaimType = "broker:group";

    /// <summary>The user id and groups of <paramref name="principal"/>; it must be authenticated.</summary>
    public static UserIdentity Identity(ClaimsPrincipal principal)
    {
        var groups = principal.FindAll(GroupClaimType).Select(claim => new GroupId(claim.Value)).ToHashSet();
        return new UserIdentity(new UserId(UserId(principal)), groups);
    }

    /// <summary>The stable user id of <paramref name="principal"/> (it must be authenticated); audit entries name the caller by it.</summary>
    public static string UserId(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("An authenticated principal has no user id claim.");
    }

    /// <summary>Every principal an entitlement may name for <paramref name="user"/>.</summary>
    public static IReadOnlyCollection<Principal> Principals(UserIdentity user) =>
        [Principal.ForUser(user.Id), .. user.Groups.Select(Principal.ForGroup)];
}
