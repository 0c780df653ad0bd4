namespace Broker.Server.Api.Users;

/// <summary>An account as the API shows it: id, name and broker roles (never a password or its hash).</summary>
internal sealed record UserResponse(string Id, string UserName, IReadOnlyList<string> Roles);
