namespace Broker.Transfer.Client;

/// <summary>
/// The local chain and the host's both hold sealed layers the other lacks after their last common
/// layer. A pull stops before changing anything: the local branch is kept, never overwritten.
/// </summary>
public sealed class ChainDivergedException : Exception
{
    public ChainDivergedException()
    {
    }

    public ChainDivergedException(string message)
        : base(message)
    {
    }

    public ChainDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The divergence <paramref name="comparison"/> found.</summary>
    public ChainDivergedException(ChainComparison comparison)
        : base(Describe(comparison)) => Comparison = comparison;

    /// <summary>Where the chains part, when thrown by a pull.</summary>
    public ChainComparison? Comparison { get; }

    private static string Describe(ChainComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return $"The chains diverge after layer '{LayerIds.Format(comparison.LastCommonLayerId)}': the host has {string.Join(", ", comparison.ToPull.Select(layer => layer.LayerId))}, "
            + $"this side {string.Join(", ", comparison.LocalOnly.Select(layer => LayerIds.Format(layer.Id)))}.";
    }
}
