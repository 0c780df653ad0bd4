using System.Security.Claims;
using Broker.Server.Desktops;
using Broker.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Broker.Server.Security;

/// <summary>
/// Replaces the <see cref="Actor.GroupClaimType"/> claims of a signed-in person (login cookie or
/// personal access token) with their current memberships from the database on every request, so an
/// admin's change takes effect on the user's next request rather than at their next login. Agent
/// principals are left alone: a client agent's requests read its owner's groups themselves.
/// </summary>
internal sealed class GroupClaimsTransformation(GroupMembership membership) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity
            || !IsPerson(identity.AuthenticationType)
            || identity.FindFirst(ClaimTypes.NameIdentifier) is not { } user)
        {
            return principal;
        }

        var groups = await membership.GroupsOfAsync(user.Value, CancellationToken.None);
        var current = new ClaimsIdentity(
            [.. identity.Claims.Where(claim => claim.Type != Actor.GroupClaimType), .. groups.Select(group => new Claim(Actor.GroupClaimType, group))],
            identity.AuthenticationType,
            identity.NameClaimType,
            identity.RoleClaimType);
        return new ClaimsPrincipal(current);
    }

    private static bool IsPerson(string? scheme) =>
        scheme == IdentityConstants.ApplicationScheme || scheme == AccessTokenAuthenticationHandler.SchemeName;
}
