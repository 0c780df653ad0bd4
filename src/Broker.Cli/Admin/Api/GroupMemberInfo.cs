namespace Broker.Cli.Admin.Api;

/// <summary>A member of a group.</summary>
internal sealed record GroupMemberInfo(string Id, string UserName);
