namespace Broker.Server.Api.Agents;

/// <summary>Body of <c>POST /api/v1/admin/hosts/enrollment-tokens</c>: the host to enroll.</summary>
/// <param name="Name">The host's display name.</param>
/// <param name="Capacity">How many desktops it may hold.</param>
/// <param name="ValidHours">How long the token stays valid; the configured default when absent.</param>
internal sealed record EnrollmentTokenRequest(string? Name, int? Capacity, int? ValidHours);
