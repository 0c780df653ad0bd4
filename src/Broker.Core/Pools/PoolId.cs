namespace Broker.Core.Pools;

/// <summary>Identifies a pool of desktops.</summary>
/// <param name="Value">The identifier; never <see cref="Guid.Empty"/> for a real pool.</param>
public readonly record struct PoolId(Guid Value) : IComparable<PoolId>
{
    /// <summary>A fresh random identifier.</summary>
    public static PoolId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public int CompareTo(PoolId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    public static bool operator <(PoolId left, PoolId right) => left.CompareTo(right) < 0;

    public static bool operator >(PoolId left, PoolId right) => left.CompareTo(right) > 0;

    public static bool operator <=(PoolId left, PoolId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PoolId left, PoolId right) => left.CompareTo(right) >= 0;
}
