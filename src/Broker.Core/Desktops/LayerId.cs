namespace Broker.Core.Desktops;

/// <summary>Identifies a sealed disk layer of a desktop's chain (a snapshot).</summary>
/// <param name="Value">The identifier; never <see cref="Guid.Empty"/> for a real layer.</param>
public readonly record struct LayerId(Guid Value) : IComparable<LayerId>
{
    /// <summary>A fresh random identifier.</summary>
    public static LayerId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public int CompareTo(LayerId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    public static bool operator <(LayerId left, LayerId right) => left.CompareTo(right) < 0;

    public static bool operator >(LayerId left, LayerId right) => left.CompareTo(right) > 0;

    public static bool operator <=(LayerId left, LayerId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LayerId left, LayerId right) => left.CompareTo(right) >= 0;
}
