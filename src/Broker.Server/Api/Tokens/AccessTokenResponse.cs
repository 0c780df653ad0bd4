using Broker.Core.Access;
using Broker.Server.Security;

namespace Broker.Server.Api.Tokens;

/// <summary>One of the user's access tokens. <see cref="Token"/> is set only in the answer that creates it.</summary>
internal sealed record AccessTokenResponse(
    Guid Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, string? Token = null)
{
    public static AccessTokenResponse From(PersonalAccessToken token) =>
        new(token.Id, token.Name, [.. TokenScopeNames.Of(token.Scopes)], token.CreatedAt, token.ExpiresAt, token.RevokedAt);
}
