using Broker.Core.Access;
using Broker.Core.Hosts;

namespace Broker.Persistence.Access;

/// <summary>A stored <see cref="EnrollmentToken"/>.</summary>
internal sealed class EnrollmentTokenRow
{
    public Guid Id { get; set; }

    public HostId Host { get; set; }

    public byte[] SecretHash { get; set; } = [];

    public string CreatedBy { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public static EnrollmentTokenRow From(EnrollmentToken token) => new()
    {
        Id = token.Id,
        Host = token.Host,
        SecretHash = token.SecretHash,
        CreatedBy = token.CreatedBy,
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
        UsedAt = token.UsedAt,
    };

    public EnrollmentToken ToDomain() => new(Id, Host, SecretHash, CreatedBy, CreatedAt, ExpiresAt, UsedAt);
}
