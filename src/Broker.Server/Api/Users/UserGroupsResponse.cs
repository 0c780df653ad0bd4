using Broker.Server.Users;

namespace Broker.Server.Api.Users;

/// <summary>A user's groups after a membership change, by name.</summary>
internal sealed record UserGroupsResponse(string Id, string UserName, IReadOnlyList<string> Groups)
{
    public static IResult From(GroupChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return TypedResults.Ok(new UserGroupsResponse(change.User.Id, change.User.UserName ?? change.User.Id, change.Groups));
    }
}
