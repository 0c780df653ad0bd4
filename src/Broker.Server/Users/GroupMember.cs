namespace Broker.Server.Users;

/// <summary>A member of a group.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="UserName">The user's name.</param>
internal sealed record GroupMember(string UserId, string UserName);
