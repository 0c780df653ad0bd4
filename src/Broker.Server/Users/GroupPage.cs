namespace Broker.Server.Users;

/// <summary>One page of groups by name.</summary>
/// <param name="Items">The groups on this page.</param>
/// <param name="Total">How many groups there are on all pages together.</param>
internal sealed record GroupPage(IReadOnlyList<Group> Items, int Total);
