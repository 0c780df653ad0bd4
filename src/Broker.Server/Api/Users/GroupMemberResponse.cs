namespace Broker.Server.Api.Users;

/// <summary>A member of a group: the user's id and name.</summary>
internal sealed record GroupMemberResponse(string Id, string UserName);
