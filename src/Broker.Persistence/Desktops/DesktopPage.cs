using Broker.Core.Desktops;

namespace Broker.Persistence.Desktops;

/// <summary>One page of desktops and how many matched in all.</summary>
/// <param name="Items">The page, ordered by pool, then name, then id.</param>
/// <param name="Total">How many desktops matched the filter, on every page together.</param>
public sealed record DesktopPage(IReadOnlyList<Desktop> Items, int Total);
