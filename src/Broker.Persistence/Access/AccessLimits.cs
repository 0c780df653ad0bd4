namespace Broker.Persistence.Access;

/// <summary>Column sizes of the access tables.</summary>
internal static class AccessLimits
{
    /// <summary>SHA-256.</summary>
    public const int HashLength = 32;
}
