using Broker.Core.Hosts;

namespace Broker.Core.Access;

/// <summary>
/// A one-time token an admin creates for a new host: the host agent trades it for its credential.
/// Only its hash is stored; it expires, and it can be used once.
/// </summary>
/// <param name="Id">The token's id (also the public part of the token).</param>
/// <param name="Host">The host (created, offline, with the token) the agent will act for.</param>
/// <param name="SecretHash">SHA-256 of the secret part.</param>
/// <param name="CreatedBy">The admin's user id.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">From this instant on it is refused.</param>
/// <param name="UsedAt">When an agent enrolled with it; a used token is refused.</param>
public sealed record EnrollmentToken(
    Guid Id,
    HostId Host,
    byte[] SecretHash,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt = null)
{
    /// <summary>True when an agent may still enroll with it at <paramref name="now"/>.</summary>
    public bool IsUsableAt(DateTimeOffset now) => UsedAt is null && now < ExpiresAt;
}
