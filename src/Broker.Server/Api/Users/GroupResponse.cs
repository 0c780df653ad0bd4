using Broker.Server.Users;

namespace Broker.Server.Api.Users;

/// <summary>A group as the API shows it: its name (which group entitlements name) and its members by user name.</summary>
internal sealed record GroupResponse(string Name, IReadOnlyList<GroupMemberResponse> Members)
{
    public static GroupResponse From(Group group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new GroupResponse(group.Name, [.. group.Members.Select(member => new GroupMemberResponse(member.UserId, member.UserName))]);
    }
}
