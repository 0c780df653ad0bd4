namespace Broker.Core.Desktops;

/// <summary>Identifies a desktop (one VM and its disk chain).</summary>
/// <param name="Value">The identifier; never <see cref="Guid.Empty"/> for a real desktop.</param>
public readonly record struct DesktopId(Guid Value) : IComparable<DesktopId>
{
    /// <summary>A fresh random identifier.</summary>
    public static DesktopId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public int CompareTo(DesktopId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    public static bool operator <(DesktopId left, DesktopId right) => left.CompareTo(right) < 0;

    public static bool operator >(DesktopId left, DesktopId right) => left.CompareTo(right) > 0;

    public static bool operator <=(DesktopId left, DesktopId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(DesktopId left, DesktopId right) => left.CompareTo(right) >= 0;
}
