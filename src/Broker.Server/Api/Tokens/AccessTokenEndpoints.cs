using System.Security.Claims;
using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Audit;
using Broker.Core.Entitlements;
using Broker.Persistence.Identity;
using Broker.Server.Desktops;
using Broker.Server.Security;

namespace Broker.Server.Api.Tokens;

/// <summary>
/// The signed-in user's personal access tokens for the API: create (shown once), list, revoke.
/// A token never grants more than its creator: the admin scope needs the Admin role, and a request
/// made with a token can create only tokens within that token's scopes.
/// </summary>
internal static class AccessTokenEndpoints
{
    private const int MaxValidDays = 365;

    public static RouteGroupBuilder MapAccessTokenEndpoints(this RouteGroupBuilder me)
    {
        var tokens = me.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapGet("/", ListAsync).Produces<IReadOnlyList<AccessTokenResponse>>();
        tokens.MapPost("/", CreateAsync).Produces<AccessTokenResponse>(StatusCodes.Status201Created).ProducesValidationProblem();
        tokens.MapDelete("/{id:guid}", RevokeAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return me;
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, IAccessTokenStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListByOwnerAsync(new UserId(Actor.UserId(user)), cancellationToken)).Select(AccessTokenResponse.From).ToList());

    private static async Task<IResult> CreateAsync(
        AccessTokenRequest request, ClaimsPrincipal user, IAccessTokenStore store, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > PersonalAccessToken.MaxNameLength)
        {
            errors.Add(new ValidationError(nameof(request.Name), $"is required, at most {PersonalAccessToken.MaxNameLength} characters."));
        }

        var scopes = TokenScopeNames.Parse(request.Scopes);
        if (scopes is null)
        {
            errors.Add(new ValidationError(nameof(request.Scopes), "must name one or more of read, write, admin."));
        }
        else if (scopes.Value.HasFlag(TokenScopes.Admin) && !user.IsInRole(BrokerRoles.Admin))
        {
            errors.Add(new ValidationError(nameof(request.Scopes), "may include admin only for administrators."));
        }
        else if (!WithinCallersToken(user, scopes.Value))
        {
            errors.Add(new ValidationError(nameof(request.Scopes), "may not exceed the scopes of the token this request is made with."));
        }

        if (request.ValidDays is not (>= 1 and <= MaxValidDays))
        {
            errors.Add(new ValidationError(nameof(request.ValidDays), $"must be between 1 and {MaxValidDays}."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var now = time.GetUtcNow();
        var owner = Actor.UserId(user);
        var secret = BearerSecret.New(BearerSecret.AccessTokenPrefix);
        var token = new PersonalAccessToken(secret.Id, new UserId(owner), request.Name!.Trim(), scopes!.Value, secret.Hash, now, now.AddDays(request.ValidDays!.Value));
        if ((await store.AddAsync(token, cancellationToken)).Outcome != WriteOutcome.Saved)
        {
            return ApiProblems.Conflict("ConcurrentUpdate", "The token could not be stored; try again.");
        }

        await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), now, owner, "token.created", $"token:{token.Id}", true, string.Join(' ', TokenScopeNames.Of(token.Scopes))), cancellationToken);
        return TypedResults.Created($"/api/v1/me/tokens/{token.Id}", AccessTokenResponse.From(token) with { Token = secret.Token });
    }

    private static async Task<IResult> RevokeAsync(Guid id, ClaimsPrincipal user, IAccessTokenStore store, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owner = Actor.UserId(user);
        if (await store.RevokeAsync(id, new UserId(owner), now, cancellationToken) != WriteOutcome.Saved)
        {
            return ApiProblems.NotFound("There is no such active token of yours.");
        }

        await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), now, owner, "token.revoked", $"token:{id}", true, "revoked"), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>True unless the request is made with a token that lacks one of <paramref name="scopes"/>.</summary>
    private static bool WithinCallersToken(ClaimsPrincipal user, TokenScopes scopes) =>
        !user.Identities.Any(identity => identity.AuthenticationType == AccessTokenAuthenticationHandler.SchemeName)
        || TokenScopeNames.Of(scopes).All(scope => user.HasClaim(AccessTokenAuthenticationHandler.ScopeClaimType, scope));
}
