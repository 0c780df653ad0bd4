namespace Broker.Core.Entitlements;

/// <summary>Identifies a group of users as the identity system knows it.</summary>
/// <param name="Value">The identity system's group id.</param>
public readonly record struct GroupId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
