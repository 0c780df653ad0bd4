namespace Broker.Transfer.Host;

/// <summary>Settings of the host side of <c>DiskTransfer</c>.</summary>
public sealed record TransferHostOptions
{
    /// <summary>This host agent's id, as tickets name it.</summary>
    public required string HostId { get; init; }

    /// <summary>Pull and push calls served at once; more get <c>HOST_BUSY</c>.</summary>
    public int MaxConcurrentTransfers { get; init; } = TransferLimits.DefaultMaxConcurrentTransfers;

    /// <summary>
    /// A push flushes its staging file and records its durable chunk count after this many chunks,
    /// so an interrupted push re-sends fewer than this many.
    /// </summary>
    public int PushCheckpointChunks { get; init; } = 16;
}
