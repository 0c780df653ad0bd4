using System.Security.Claims;
using System.Text.Encodings.Web;
using Broker.Core.Access;
using Broker.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Broker.Server.Agents;

/// <summary>
/// <c>authorization: Bearer brk_agent_…</c> on the agent gRPC service: a genuine, unrevoked agent
/// credential signs the call in as its <see cref="AgentIdentity"/>.
/// </summary>
internal sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IAgentCredentialStore credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Agent";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerSecret.TryParse(BearerSecret.FromAuthorizationHeader(Request.Headers.Authorization), BearerSecret.AgentPrefix, out var secret))
        {
            return AuthenticateResult.NoResult();
        }

        var credential = await credentials.FindAsync(secret.Id, Context.RequestAborted);
        if (credential is null || !credential.IsActive || !secret.Matches(credential.SecretHash))
        {
            return AuthenticateResult.Fail("The agent credential is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(new AgentIdentity(credential.Kind, credential.Subject).ToClaims(), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
