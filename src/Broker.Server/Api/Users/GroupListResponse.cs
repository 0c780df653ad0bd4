namespace Broker.Server.Api.Users;

/// <summary>One page of groups by name; <c>Total</c> counts the groups on all pages together.</summary>
internal sealed record GroupListResponse(IReadOnlyList<GroupResponse> Items, int Total, int Skip, int Take);
