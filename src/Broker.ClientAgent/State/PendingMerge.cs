namespace Broker.ClientAgent.State;

/// <summary>
/// A local merge of acknowledged layers, recorded before it runs: if the agent stops before the
/// merge's result is recorded, the next open finds whether the chain holds <paramref name="MergedId"/>
/// and records the merge, or forgets it.
/// </summary>
/// <param name="MergedId">The id the merged layer gets (the chain's next serial when the merge began).</param>
/// <param name="Replaced">The acknowledged layers the merge folds together.</param>
internal sealed record PendingMerge(long MergedId, IReadOnlyList<long> Replaced);
