namespace Broker.Disks.Layers;

/// <summary>One merge of a retention plan: adjacent sealed layers, lower first, for <see cref="LayerStore.MergeAsync(long, long, CancellationToken)"/>.</summary>
/// <param name="LowerId">The oldest layer of the run to fold away.</param>
/// <param name="UpperId">The kept layer the run is folded into.</param>
public sealed record LayerMerge(long LowerId, long UpperId);
