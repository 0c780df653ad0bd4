namespace Broker.ClientAgent.State;

/// <summary>One desktop held by this device, as kept in the state store.</summary>
/// <param name="DesktopId">The broker's desktop id.</param>
/// <param name="Name">The desktop's name.</param>
/// <param name="Epoch">The newest authority epoch the agent has seen for the desktop (the pull's, then the lease's).</param>
/// <param name="HostId">The host agent that holds the server copy.</param>
/// <param name="Phase">Where the copy stands.</param>
/// <param name="LeaseExpiresAt">The end of the offline lease; null before it is granted.</param>
/// <param name="LastSyncAt">When a layer was last acknowledged by the host.</param>
/// <param name="HostLayers">Ids of the local chain's layers the host holds (pulled or acknowledged).</param>
/// <param name="BaseAddress">Content address of the base image this copy references; null before it is pulled.</param>
/// <param name="HostAddress">Where the host's DiskTransfer service listens, as the broker last said (START_PULL, tickets).</param>
/// <param name="Revocation">The broker's revoke and the fate of the unsynced changes; null unless revoked.</param>
/// <param name="Sync">The lease's sync terms and the user's deferral; null before a lease named them.</param>
/// <param name="PendingMerge">A local merge of acknowledged layers begun and not yet recorded; null when none.</param>
/// <param name="MergedHostLayers">
/// For each local layer a local merge made, the host's layer ids it stands for, oldest first, so a
/// resync does not take the merged chain for a diverged one (<see cref="Transfer.Client.ChainComparison"/>); null before any merge.
/// </param>
internal sealed record LocalDesktopRecord(
    string DesktopId,
    string Name,
    ulong Epoch,
    string HostId,
    DesktopPhase Phase,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? LastSyncAt,
    IReadOnlyList<long> HostLayers,
    string? BaseAddress,
    string? HostAddress = null,
    LocalRevocation? Revocation = null,
    SyncTerms? Sync = null,
    PendingMerge? PendingMerge = null,
    IReadOnlyDictionary<long, IReadOnlyList<long>>? MergedHostLayers = null)
{
    /// <summary>Whether the device holds data of this desktop that the broker should know of (heartbeat copies).</summary>
    public bool HoldsCopy => Phase != DesktopPhase.Requested && !IsRevoked;

    /// <summary>Whether the broker revoked the copy (its changes may still be on their way to quarantine).</summary>
    public bool IsRevoked => Phase is DesktopPhase.Revoking or DesktopPhase.Quarantining or DesktopPhase.Revoked;
}
