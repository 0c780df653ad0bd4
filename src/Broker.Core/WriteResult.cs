namespace Broker.Core;

/// <summary>
/// The typed answer of a store write under optimistic concurrency: expected outcomes (conflict,
/// not found) are values, never exceptions.
/// </summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Version">After <see cref="WriteOutcome.Saved"/>, the new stored version; otherwise 0.</param>
public sealed record WriteResult(WriteOutcome Outcome, long Version)
{
    /// <summary>Not found: nothing was changed.</summary>
    public static WriteResult NotFound { get; } = new(WriteOutcome.NotFound, 0);

    /// <summary>Conflict: nothing was changed.</summary>
    public static WriteResult Conflict { get; } = new(WriteOutcome.Conflict, 0);

    /// <summary>Saved with <paramref name="version"/> as the new stored version.</summary>
    public static WriteResult Saved(long version) => new(WriteOutcome.Saved, version);
}
