namespace Broker.Server.Api.Agents;

/// <summary>A new host enrollment token. <see cref="Token"/> is shown only in this answer.</summary>
internal sealed record EnrollmentTokenResponse(Guid Id, Guid HostId, string Token, DateTimeOffset ExpiresAt);
