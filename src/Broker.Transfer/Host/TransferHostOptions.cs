namespace Broker.Transfer.Host;

/// <summary>Settings of the host side of <c>DiskTransfer</c>.</summary>
public sealed record TransferHostOptions
{
    /// <summary>This host agent's id, as tickets name it.</summary>
    public required string HostId { get; init; }

    /// <summary>Pull and push calls served at once; more get <c>HOST_BUSY</c>.</summary>
    public int MaxConcurrentTransfers { get; init; } = TransferLimits.DefaultMaxConcurrentTransfers;

    /// <summary>
    /// A push flushes its staging file and records its durable chunk count after this many chunk
    /// bytes at most (and after <see cref="PushCheckpointInterval"/>): what a power loss of the host
    /// can cost. A killed host process costs only what never reached the staging file: a resumed push
    /// claims the chunks the file holds by hash. A push smaller than this that commits within the
    /// interval is flushed once, at its commit.
    /// </summary>
    public long PushCheckpointBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>A push checkpoints at least this often while chunks arrive (group commit).</summary>
    public TimeSpan PushCheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);
}
