namespace Broker.Server.Api.Users;

/// <summary>Body of <c>POST /api/v1/admin/users</c>: a new account with one role (<c>Admin</c> or <c>User</c>).</summary>
internal sealed record UserRequest(string? UserName, string? Password, string? Role);
