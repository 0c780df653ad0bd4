namespace Broker.Server.Api.Users;

/// <summary>An account as the API shows it: id, name, broker roles and groups (never a password or its hash).</summary>
internal sealed record UserResponse(string Id, string UserName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);
