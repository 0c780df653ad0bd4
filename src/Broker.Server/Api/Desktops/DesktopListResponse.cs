namespace Broker.Server.Api.Desktops;

/// <summary>One page of desktops; <c>Total</c> counts the matching desktops on all pages together.</summary>
internal sealed record DesktopListResponse(IReadOnlyList<DesktopResponse> Items, int Total, int Skip, int Take);
