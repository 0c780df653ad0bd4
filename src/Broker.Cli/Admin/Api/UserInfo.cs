namespace Broker.Cli.Admin.Api;

/// <summary>An account (<c>/api/v1/admin/users</c>) with its roles and groups (an older broker sends no groups).</summary>
internal sealed record UserInfo(string Id, string UserName, List<string> Roles, List<string>? Groups = null);
