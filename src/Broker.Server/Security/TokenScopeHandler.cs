using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Broker.Server.Security;

/// <summary>Decides <see cref="TokenScopeRequirement"/>.</summary>
internal sealed class TokenScopeHandler : AuthorizationHandler<TokenScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TokenScopeRequirement requirement)
    {
        if (!context.User.Identities.Any(identity => identity.AuthenticationType == AccessTokenAuthenticationHandler.SchemeName))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var method = (context.Resource as HttpContext)?.Request.Method ?? HttpMethods.Post;
        var needed = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? "read" : "write";
        if (Has(context.User, needed) && (!requirement.Admin || Has(context.User, "admin")))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool Has(ClaimsPrincipal user, string scope) =>
        user.HasClaim(AccessTokenAuthenticationHandler.ScopeClaimType, scope);
}
