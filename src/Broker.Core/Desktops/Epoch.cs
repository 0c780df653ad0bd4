namespace Broker.Core.Desktops;

/// <summary>
/// A desktop's fencing token (design §5): it increments at each change of authority over the disk
/// (check-out granted, check-in committed, revoke) and never decreases. Every command and upload
/// carries it; agents reject writes that carry an older one.
/// </summary>
/// <param name="Value">The counter; <see cref="Initial"/> for a new desktop.</param>
public readonly record struct Epoch(long Value) : IComparable<Epoch>
{
    /// <summary>The epoch of a newly provisioned desktop.</summary>
    public static Epoch Initial { get; } = new(1);

    /// <summary>The epoch that follows this one.</summary>
    public Epoch Next() => new(checked(Value + 1));

    /// <inheritdoc />
    public int CompareTo(Epoch other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator <(Epoch left, Epoch right) => left.Value < right.Value;

    public static bool operator >(Epoch left, Epoch right) => left.Value > right.Value;

    public static bool operator <=(Epoch left, Epoch right) => left.Value <= right.Value;

    public static bool operator >=(Epoch left, Epoch right) => left.Value >= right.Value;
}
