namespace Broker.Cli.Admin.Api;

/// <summary>A user's groups after a membership change.</summary>
internal sealed record UserGroupsInfo(string Id, string UserName, List<string> Groups);
