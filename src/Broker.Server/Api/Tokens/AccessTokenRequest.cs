namespace Broker.Server.Api.Tokens;

/// <summary>Body of <c>POST /api/v1/me/tokens</c>.</summary>
/// <param name="Name">What the user calls it.</param>
/// <param name="Scopes">Any of <c>read</c>, <c>write</c>, <c>admin</c> (admin only for admins).</param>
/// <param name="ValidDays">How long it stays valid (1 to 365).</param>
internal sealed record AccessTokenRequest(string? Name, IReadOnlyList<string>? Scopes, int? ValidDays);
