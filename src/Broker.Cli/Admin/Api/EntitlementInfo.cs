namespace Broker.Cli.Admin.Api;

/// <summary>An entitlement of a pool: <c>Kind</c> is <c>User</c> (by user id) or <c>Group</c>.</summary>
internal sealed record EntitlementInfo(string Kind, string Id);
