namespace Broker.Vhdx.Format;

/// <summary>The active log sequence, flattened into the ordered updates a replay performs.</summary>
internal sealed record LogReplayPlan(IReadOnlyList<LogUpdate> Updates, long FlushedFileOffset, long LastFileOffset, long HeadLogOffset, ulong HeadSequenceNumber);
