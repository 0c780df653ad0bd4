namespace Broker.Core.Hosts;

/// <summary>Identifies a host (a server running desktops under its host agent).</summary>
/// <param name="Value">The identifier; never <see cref="Guid.Empty"/> for a real host.</param>
public readonly record struct HostId(Guid Value) : IComparable<HostId>
{
    /// <summary>A fresh random identifier.</summary>
    public static HostId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public int CompareTo(HostId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    public static bool operator <(HostId left, HostId right) => left.CompareTo(right) < 0;

    public static bool operator >(HostId left, HostId right) => left.CompareTo(right) > 0;

    public static bool operator <=(HostId left, HostId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(HostId left, HostId right) => left.CompareTo(right) >= 0;
}
