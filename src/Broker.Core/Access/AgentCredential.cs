namespace Broker.Core.Access;

/// <summary>
/// The secret an enrolled agent authenticates with, stored as a hash (<see cref="SecretHash"/>);
/// the secret itself is shown once, at enrollment.
/// </summary>
/// <param name="Id">The credential's id (also the public part of the secret).</param>
/// <param name="Kind">Host or device.</param>
/// <param name="Subject">The host id or device id the agent acts for; it may act on that host's or device's objects only.</param>
/// <param name="SecretHash">SHA-256 of the secret part.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="RevokedAt">When an admin revoked it; a revoked credential authenticates nothing.</param>
public sealed record AgentCredential(Guid Id, AgentKind Kind, Guid Subject, byte[] SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt = null)
{
    /// <summary>True unless revoked.</summary>
    public bool IsActive => RevokedAt is null;
}
