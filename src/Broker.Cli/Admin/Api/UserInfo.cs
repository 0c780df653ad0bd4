namespace Broker.Cli.Admin.Api;

/// <summary>An account (<c>/api/v1/admin/users</c>).</summary>
internal sealed record UserInfo(string Id, string UserName, List<string> Roles);
