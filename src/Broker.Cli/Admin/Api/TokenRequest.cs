namespace Broker.Cli.Admin.Api;

/// <summary>Body of <c>POST /api/v1/me/tokens</c>.</summary>
internal sealed record TokenRequest(string Name, List<string> Scopes, int ValidDays);
