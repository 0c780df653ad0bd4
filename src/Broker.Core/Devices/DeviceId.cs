namespace Broker.Core.Devices;

/// <summary>Identifies a device (a laptop running a client agent).</summary>
/// <param name="Value">The identifier; never <see cref="Guid.Empty"/> for a real device.</param>
public readonly record struct DeviceId(Guid Value) : IComparable<DeviceId>
{
    /// <summary>A fresh random identifier.</summary>
    public static DeviceId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public int CompareTo(DeviceId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    public static bool operator <(DeviceId left, DeviceId right) => left.CompareTo(right) < 0;

    public static bool operator >(DeviceId left, DeviceId right) => left.CompareTo(right) > 0;

    public static bool operator <=(DeviceId left, DeviceId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(DeviceId left, DeviceId right) => left.CompareTo(right) >= 0;
}
