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

    /// <summary>What the local API answers for a desktop that was just checked in (or whose check-out was cancelled).</summary>
    public static LocalDesktop Released(this DesktopStatus before) =>
        new() { DesktopId = before.Record.DesktopId, Name = before.Record.Name, Epoch = before.Record.Epoch, Phase = LocalPhase.CheckedIn };

    private static LocalPhase PhaseOf(DesktopStatus status) => (status.Record.Phase, status.Activity) switch
    {
        (DesktopPhase.Revoked, _) => LocalPhase.Revoked,
        (DesktopPhase.Pulling, _) => LocalPhase.Pulling,
        (DesktopPhase.Paused, _) => LocalPhase.Paused,
        (_, DesktopActivity.CheckingIn) => LocalPhase.CheckingIn,
        (_, DesktopActivity.Syncing) => LocalPhase.Syncing,
        _ when status.Running => LocalPhase.Running,
        _ => LocalPhase.Ready,
    };

    private static string? BlockedReasonOf(DesktopStatus status) => status switch
    {
        { Record.Phase: DesktopPhase.Revoked } => nameof(ClientRefusal.Revoked),
        { Lease: LeaseVerdict.Expired } => nameof(ClientRefusal.LeaseExpired),
        { Lease: LeaseVerdict.ClockRolledBack } => nameof(ClientRefusal.ClockRolledBack),
        _ => null,
    };
}
