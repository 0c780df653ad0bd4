namespace Broker.Core.Images;

/// <summary>Identifies a gold image.</summary>
/// <param name="Value">The identifier; never <see cref="Guid.Empty"/> for a real image.</param>
public readonly record struct ImageId(Guid Value) : IComparable<ImageId>
{
    /// <summary>A fresh random identifier.</summary>
    public static ImageId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public int CompareTo(ImageId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    public static bool operator <(ImageId left, ImageId right) => left.CompareTo(right) < 0;

    public static bool operator >(ImageId left, ImageId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ImageId left, ImageId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ImageId left, ImageId right) => left.CompareTo(right) >= 0;
}
