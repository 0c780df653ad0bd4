using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Broker.Persistence.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Broker.Server.Security;

/// <summary>
/// <c>Authorization: Bearer brk_pat_…</c> on the REST API: a genuine, unexpired, unrevoked personal
/// access token signs the request in as its user, with the user's roles (so a token never grants more
/// than its user has) and one <see cref="ScopeClaimType"/> claim per scope.
/// </summary>
internal sealed class AccessTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokens tokens,
    UserManager<BrokerUser> users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AccessToken";

    /// <summary>Claim naming one scope of the token (lower case: <c>read</c>, <c>write</c>, <c>admin</c>).</summary>
    public const string ScopeClaimType = "broker:scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var bearer = BearerSecret.FromAuthorizationHeader(Request.Headers.Authorization);
        if (bearer is null)
        {
            return AuthenticateResult.NoResult();
        }

        var token = await tokens.ValidateAsync(bearer, Context.RequestAborted);
        var user = token is null ? null : await users.FindByIdAsync(token.Owner.Value);
        if (token is null || user is null || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The access token is unknown, expired or revoked.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? user.Id),
            new("broker:token", token.Id.ToString("N", CultureInfo.InvariantCulture)),
        };
        claims.AddRange((await users.GetRolesAsync(user)).Select(role => new Claim(ClaimTypes.Role, role)));
        claims.AddRange(TokenScopeNames.Of(token.Scopes).Select(scope => new Claim(ScopeClaimType, scope)));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
