namespace Broker.Cli.Admin.Api;

/// <summary>One page of groups by name; <c>Total</c> counts the groups on all pages.</summary>
internal sealed record GroupPage(List<GroupInfo> Items, int Total, int Skip, int Take);
