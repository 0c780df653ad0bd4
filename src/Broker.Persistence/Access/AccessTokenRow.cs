using Broker.Core.Access;
using Broker.Core.Entitlements;

namespace Broker.Persistence.Access;

/// <summary>A stored <see cref="PersonalAccessToken"/>.</summary>
internal sealed class AccessTokenRow
{
    public Guid Id { get; set; }

    public UserId Owner { get; set; }

    public string Name { get; set; } = string.Empty;

    public TokenScopes Scopes { get; set; }

    public byte[] SecretHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public static AccessTokenRow From(PersonalAccessToken token) => new()
    {
        Id = token.Id,
        Owner = token.Owner,
        Name = token.Name,
        Scopes = token.Scopes,
        SecretHash = token.SecretHash,
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
        RevokedAt = token.RevokedAt,
    };

    public PersonalAccessToken ToDomain() => new(Id, Owner, Name, Scopes, SecretHash, CreatedAt, ExpiresAt, RevokedAt);
}
