namespace Broker.Cli.Admin.Api;

/// <summary>An RFC 9457 problem as the broker writes it; <c>Errors</c> are per-field validation messages, <c>Reason</c> the machine-readable cause of a conflict.</summary>
internal sealed record ProblemInfo(string? Title, string? Detail, int? Status, Dictionary<string, string[]>? Errors, string? Reason);
