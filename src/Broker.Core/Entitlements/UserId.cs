namespace Broker.Core.Entitlements;

/// <summary>Identifies a user as the identity system knows them (a stable id, not a display name).</summary>
/// <param name="Value">The identity system's user id.</param>
public readonly record struct UserId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
