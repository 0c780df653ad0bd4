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

    /// <summary>
    /// Where the manifests of sealed layers and base images are kept across host restarts (one small
    /// file each, a cache: see <c>PersistedManifests</c>); null keeps them in memory only, and a
    /// restarted host hashes each file again when it is first asked for.
    /// </summary>
    public string? ManifestCacheDirectory { get; init; }

    /// <summary>A push checkpoints at least this often while chunks arrive (group commit).</summary>
    public TimeSpan PushCheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A push staging file whose push can no longer continue (its epoch is neither the desktop's
    /// current check-out nor its revoked one) is removed once its last checkpoint is this old
    /// (<see cref="DiskTransferService.RemoveAbandonedPushesAsync"/>); at host start at once. A push
    /// its client may still resume is never removed, however old.
    /// </summary>
    public TimeSpan AbandonedPushAge { get; init; } = TimeSpan.FromDays(1);
}
