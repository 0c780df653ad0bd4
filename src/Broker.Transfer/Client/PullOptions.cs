using Broker.Disks.Transfer;

namespace Broker.Transfer.Client;

/// <summary>Settings of a pull or a push.</summary>
public sealed record PullOptions
{
    /// <summary>Parallel <c>PullChunks</c> streams.</summary>
    public int Streams { get; init; } = TransferLimits.DefaultPullStreams;

    /// <summary>Requests each stream keeps in flight.</summary>
    public int RequestsInFlight { get; init; } = 4;

    /// <summary>Progress is flushed and recorded after this many chunks; a resume refetches fewer.</summary>
    public int CheckpointChunks { get; init; } = 16;

    /// <summary>Times a chunk that fails verification is fetched again before the pull fails.</summary>
    public int MaxRefetches { get; init; } = 3;

    /// <summary>Shared rate limit, or null for none.</summary>
    public BandwidthLimiter? Limiter { get; init; }

    /// <summary>Priority with <see cref="Limiter"/>.</summary>
    public TransferPriority Priority { get; init; } = TransferPriority.Foreground;
}
