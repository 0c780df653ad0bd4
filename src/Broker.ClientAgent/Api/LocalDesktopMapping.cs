using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Broker.ClientAgent.Api;

/// <summary>How a <see cref="DesktopStatus"/> reads on the local API.</summary>
internal static class LocalDesktopMapping
{
    /// <summary>The wire form of <paramref name="status"/>.</summary>
    public static LocalDesktop ToMessage(this DesktopStatus status)
    {
        var record = status.Record;
        var message = new LocalDesktop
        {
            DesktopId = record.DesktopId,
            Name = record.Name,
            Epoch = record.Epoch,
            Phase = PhaseOf(status),
            Running = status.Running,
            Suspended = status.Suspended,
            PendingLayers = (uint)status.PendingLayers,
            BlockedReason = BlockedReasonOf(status) ?? string.Empty,
            Message = status.Message ?? string.Empty,
        };
        if (record.LeaseExpiresAt is { } lease)
        {
            message.LeaseExpiresAt = Timestamp.FromDateTimeOffset(lease);
        }

        if (record.LastSyncAt is { } synced)
        {
            message.LastSyncAt = Timestamp.FromDateTimeOffset(synced);
        }

        if (status.Sync is { } sync)
        {
            message.NextSyncAt = Timestamp.FromDateTimeOffset(sync.NextAt);
            message.SyncDeferred = sync.Deferred;
        }

        if (status.Transfer is { } transfer)
        {
            message.Transfer = new TransferState
            {
                BytesDone = (ulong)transfer.BytesDone,
                BytesTotal = (ulong)transfer.BytesTotal,
                BytesPerSecond = transfer.BytesPerSecond,
                EtaSeconds = transfer.EstimatedRemaining?.TotalSeconds ?? 0,
            };
        }

        return message;
    }

    /// <summary>What the local API answers for a desktop that was just released (checked in, or its check-out cancelled).</summary>
    public static LocalDesktop Released(this LocalDesktop before) =>
        new() { DesktopId = before.DesktopId, Name = before.Name, Epoch = before.Epoch, Phase = LocalPhase.CheckedIn };

    /// <summary>Whether a check-out, check-in or operation is in progress (a watch follows it until it settles).</summary>
    public static bool InProgress(this DesktopStatus status) =>
        status.Activity is not null || status.Record.Phase is not (DesktopPhase.Ready or DesktopPhase.Revoked);

    private static LocalPhase PhaseOf(DesktopStatus status) => (status.Record.Phase, status.Activity) switch
    {
        (DesktopPhase.Revoking or DesktopPhase.Quarantining or DesktopPhase.Revoked, _) => LocalPhase.Revoked,
        (DesktopPhase.Requested, _) => LocalPhase.Requested,
        (DesktopPhase.Pulling, _) => LocalPhase.Pulling,
        (DesktopPhase.Paused, _) => LocalPhase.Paused,
        (DesktopPhase.Pulled, _) => LocalPhase.AwaitingLease,
        (DesktopPhase.CheckInRequested or DesktopPhase.CheckingIn or DesktopPhase.Uploading or DesktopPhase.Uploaded, _) => LocalPhase.CheckingIn,
        (_, DesktopActivity.CheckingIn) => LocalPhase.CheckingIn,
        (_, DesktopActivity.Syncing) => LocalPhase.Syncing,
        _ when status.Running => LocalPhase.Running,
        _ => LocalPhase.Ready,
    };

    private static string? BlockedReasonOf(DesktopStatus status) => status switch
    {
        { Record.IsRevoked: true } => nameof(ClientRefusal.Revoked),
        { Lease: LeaseVerdict.Expired } => nameof(ClientRefusal.LeaseExpired),
        { Lease: LeaseVerdict.ClockRolledBack } => nameof(ClientRefusal.ClockRolledBack),
        _ => null,
    };
}
