namespace Broker.Core.Leases;

/// <summary>The validity window of an offline lease.</summary>
/// <param name="IssuedAt">When the broker issued (or last renewed) it.</param>
/// <param name="ExpiresAt">When it lapses unless renewed; the client agent then suspends the VM (design §8).</param>
public readonly record struct LeaseTerm(DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
