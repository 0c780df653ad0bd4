namespace Broker.Cli.Admin.Api;

/// <summary>Body of <c>POST /api/v1/admin/users</c>.</summary>
internal sealed record UserRequest(string UserName, string Password, string Role);
