namespace Broker.Server.Users;

/// <summary>A group the broker keeps, with its members.</summary>
/// <param name="Name">The group's name, which group entitlements name.</param>
/// <param name="Members">Its members by user name.</param>
internal sealed record Group(string Name, IReadOnlyList<GroupMember> Members);
