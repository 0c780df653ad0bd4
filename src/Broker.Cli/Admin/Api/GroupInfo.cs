namespace Broker.Cli.Admin.Api;

/// <summary>A group with its members (id and user name).</summary>
internal sealed record GroupInfo(string Name, List<GroupMemberInfo> Members);
