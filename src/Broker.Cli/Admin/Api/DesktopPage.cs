namespace Broker.Cli.Admin.Api;

/// <summary>One page of desktops; <c>Total</c> counts the matches on all pages.</summary>
internal sealed record DesktopPage(List<DesktopInfo> Items, int Total, int Skip, int Take);
