namespace Broker.Cli.Admin.Api;

/// <summary>A one-time enrollment token of a new host (the host is registered at once), shown once.</summary>
internal sealed record EnrollmentTokenInfo(Guid Id, Guid HostId, string Token, DateTimeOffset ExpiresAt);
