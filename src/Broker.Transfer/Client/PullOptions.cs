using Broker.Disks.Transfer;

namespace Broker.Transfer.Client;

/// <summary>Settings of a pull or a push.</summary>
public sealed record PullOptions
{
    /// <summary>Parallel <c>PullChunks</c> streams.</summary>
    public int Streams { get; init; } = TransferLimits.DefaultPullStreams;

    /// <summary>
    /// Requests each stream keeps in flight: sent and their chunks not yet written. What a killed
    /// pull can lose per stream, since a resume claims what the staging file holds by hash.
    /// </summary>
    public int RequestsInFlight { get; init; } = 2;

    /// <summary>
    /// Progress is flushed and recorded after this many chunks at most (and after
    /// <see cref="CheckpointInterval"/>): what a power loss can cost. A killed process costs only the
    /// chunks in flight, since a resume claims the chunks the staging file holds by hash.
    /// </summary>
    public int CheckpointChunks { get; init; } = 64;

    /// <summary>Progress is flushed and recorded at least this often while chunks arrive (group commit).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Times a chunk that fails verification is fetched again before the pull fails.</summary>
    public int MaxRefetches { get; init; } = 3;

    /// <summary>Shared rate limit, or null for none.</summary>
    public BandwidthLimiter? Limiter { get; init; }

    /// <summary>Pauses and resumes the transfer in place, or null when it is never paused.</summary>
    public TransferPause? Pause { get; init; }

    /// <summary>Priority with <see cref="Limiter"/>.</summary>
    public TransferPriority Priority { get; init; } = TransferPriority.Foreground;
}
