using Broker.Core.Access;

namespace Broker.Persistence.Access;

/// <summary>A stored <see cref="AgentCredential"/>.</summary>
internal sealed class AgentCredentialRow
{
    public Guid Id { get; set; }

    public AgentKind Kind { get; set; }

    public Guid Subject { get; set; }

    public byte[] SecretHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public static AgentCredentialRow From(AgentCredential credential) => new()
    {
        Id = credential.Id,
        Kind = credential.Kind,
        Subject = credential.Subject,
        SecretHash = credential.SecretHash,
        CreatedAt = credential.CreatedAt,
        RevokedAt = credential.RevokedAt,
    };

    public AgentCredential ToDomain() => new(Id, Kind, Subject, SecretHash, CreatedAt, RevokedAt);
}
