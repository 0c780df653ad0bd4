using Broker.Core.Entitlements;

namespace Broker.Core.Access;

/// <summary>
/// A bearer token a user creates for the REST API (e.g. for <c>brokerctl admin</c>): scoped,
/// expiring, revocable. Only its hash is stored; the token is shown once, at creation.
/// </summary>
/// <param name="Id">The token's id (also the public part of the token).</param>
/// <param name="Owner">The user it acts as.</param>
/// <param name="Name">What the user called it.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="SecretHash">SHA-256 of the secret part.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">From this instant on it is refused.</param>
/// <param name="RevokedAt">When the user revoked it; a revoked token is refused.</param>
public sealed record PersonalAccessToken(
    Guid Id,
    UserId Owner,
    string Name,
    TokenScopes Scopes,
    byte[] SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt = null)
{
    /// <summary>Longest accepted <see cref="Name"/>.</summary>
    public const int MaxNameLength = 100;

    /// <summary>True when the token authenticates at <paramref name="now"/>.</summary>
    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
