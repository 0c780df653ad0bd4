namespace Broker.Cli.Admin.Api;

/// <summary>A personal access token (<c>/api/v1/me/tokens</c>); <c>Token</c>, the secret, is only in the answer to its creation.</summary>
internal sealed record TokenInfo(string Id, string Name, List<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, string? Token);
