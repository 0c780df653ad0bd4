using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Desktops.Events;

namespace Broker.Core.Tests.Desktops;

/// <summary>
/// The documented transition table of design §5, written out independently of the machine: every
/// legal (state, event) pair with the state it leads to, how much the epoch grows and the commands
/// issued, in order. Every pair not listed here must be refused.
/// </summary>
internal sealed record TransitionSpec(DesktopState From, DesktopEventKind Event, DesktopState To, int EpochIncrement, Type[] Commands)
{
    private static readonly Type[] None = [];
    private static readonly Type[] Revoke = [typeof(QuarantineLatePushes), typeof(UnlockAndResume), typeof(RevokeLocalCopy)];
    private static readonly Type[] DeleteHeld = [typeof(RevokeLocalCopy), typeof(DeleteDesktop)];
    private static readonly Type[] Delete = [typeof(DeleteDesktop)];

    public static IReadOnlyList<TransitionSpec> All { get; } =
    [
        new(DesktopState.Provisioning, DesktopEventKind.ProvisioningCompleted, DesktopState.Available, 0, None),
        new(DesktopState.Provisioning, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),

        new(DesktopState.Available, DesktopEventKind.StartRequested, DesktopState.Available, 0, [typeof(StartDesktop)]),
        new(DesktopState.Available, DesktopEventKind.StopRequested, DesktopState.Available, 0, [typeof(StopDesktop)]),
        new(DesktopState.Available, DesktopEventKind.Released, DesktopState.Resetting, 1, [typeof(ResetToImage)]),
        new(DesktopState.Available, DesktopEventKind.CheckOutRequested, DesktopState.CheckOutRequested, 0, None),
        new(DesktopState.Available, DesktopEventKind.RollbackRequested, DesktopState.RollingBack, 1, [typeof(RollBackToSnapshot)]),
        new(DesktopState.Available, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),

        new(DesktopState.CheckOutRequested, DesktopEventKind.CheckOutAdmitted, DesktopState.Preparing, 0, [typeof(StopAndSeal), typeof(LockServerCopy)]),
        new(DesktopState.CheckOutRequested, DesktopEventKind.CheckOutCancelled, DesktopState.Available, 0, None),
        new(DesktopState.CheckOutRequested, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),

        new(DesktopState.Preparing, DesktopEventKind.ServerCopyPrepared, DesktopState.Transferring, 0, [typeof(ServeTransfer)]),
        new(DesktopState.Preparing, DesktopEventKind.CheckOutCancelled, DesktopState.Available, 0, [typeof(UnlockAndResume)]),
        new(DesktopState.Preparing, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),

        new(DesktopState.Transferring, DesktopEventKind.TransferPaused, DesktopState.Transferring, 0, [typeof(PauseTransfer)]),
        new(DesktopState.Transferring, DesktopEventKind.TransferResumed, DesktopState.Transferring, 0, [typeof(ResumeTransfer)]),
        new(DesktopState.Transferring, DesktopEventKind.CheckOutCancelled, DesktopState.Available, 0, [typeof(CancelTransfer), typeof(UnlockAndResume)]),
        new(DesktopState.Transferring, DesktopEventKind.TransferCompleted, DesktopState.CheckedOut, 1, [typeof(AcceptDevicePushes), typeof(GrantLease)]),
        new(DesktopState.Transferring, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, [typeof(CancelTransfer), typeof(DeleteDesktop)]),

        new(DesktopState.CheckedOut, DesktopEventKind.SyncRequested, DesktopState.CheckedOut, 0, [typeof(SyncNow)]),
        new(DesktopState.CheckedOut, DesktopEventKind.SyncAcknowledged, DesktopState.CheckedOut, 0, None),
        new(DesktopState.CheckedOut, DesktopEventKind.LeaseRenewed, DesktopState.CheckedOut, 0, [typeof(RenewLease)]),
        new(DesktopState.CheckedOut, DesktopEventKind.CheckOutCancelled, DesktopState.Available, 1, [typeof(CancelTransfer), typeof(UnlockAndResume)]),
        new(DesktopState.CheckedOut, DesktopEventKind.CheckInRequested, DesktopState.CheckInRequested, 0, [typeof(BeginCheckIn)]),
        new(DesktopState.CheckedOut, DesktopEventKind.RevokeRequested, DesktopState.Revoked, 1, Revoke),
        new(DesktopState.CheckedOut, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 1, DeleteHeld),

        new(DesktopState.CheckInRequested, DesktopEventKind.FinalUploadStarted, DesktopState.Uploading, 0, None),
        new(DesktopState.CheckInRequested, DesktopEventKind.CheckInCancelled, DesktopState.CheckedOut, 0, [typeof(CancelCheckIn)]),
        new(DesktopState.CheckInRequested, DesktopEventKind.SyncAcknowledged, DesktopState.CheckInRequested, 0, None),
        new(DesktopState.CheckInRequested, DesktopEventKind.LeaseRenewed, DesktopState.CheckInRequested, 0, [typeof(RenewLease)]),
        new(DesktopState.CheckInRequested, DesktopEventKind.RevokeRequested, DesktopState.Revoked, 1, Revoke),
        new(DesktopState.CheckInRequested, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 1, DeleteHeld),

        new(DesktopState.Uploading, DesktopEventKind.FinalLayerUploaded, DesktopState.Committing, 0, [typeof(CommitCheckIn)]),
        new(DesktopState.Uploading, DesktopEventKind.CheckInCancelled, DesktopState.CheckedOut, 0, [typeof(CancelCheckIn)]),
        new(DesktopState.Uploading, DesktopEventKind.SyncAcknowledged, DesktopState.Uploading, 0, None),
        new(DesktopState.Uploading, DesktopEventKind.LeaseRenewed, DesktopState.Uploading, 0, [typeof(RenewLease)]),
        new(DesktopState.Uploading, DesktopEventKind.RevokeRequested, DesktopState.Revoked, 1, Revoke),
        new(DesktopState.Uploading, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 1, DeleteHeld),

        new(DesktopState.Committing, DesktopEventKind.CheckInCommitted, DesktopState.Available, 1, [typeof(UnlockAndResume), typeof(ReleaseLocalCopy)]),
        new(DesktopState.Committing, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 1, DeleteHeld),

        new(DesktopState.Revoked, DesktopEventKind.ServerCopyResumed, DesktopState.Available, 0, None),
        new(DesktopState.Revoked, DesktopEventKind.RollbackRequested, DesktopState.RollingBack, 1, [typeof(RollBackToSnapshot)]),
        new(DesktopState.Revoked, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),

        new(DesktopState.RollingBack, DesktopEventKind.RollbackCompleted, DesktopState.Available, 0, None),
        new(DesktopState.RollingBack, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),

        new(DesktopState.Resetting, DesktopEventKind.ResetCompleted, DesktopState.Available, 0, None),
        new(DesktopState.Resetting, DesktopEventKind.DeleteRequested, DesktopState.Deleted, 0, Delete),
    ];

    /// <summary>The entry for (<paramref name="from"/>, <paramref name="kind"/>), or <see langword="null"/> when the pair is illegal.</summary>
    public static TransitionSpec? Find(DesktopState from, DesktopEventKind kind) =>
        All.SingleOrDefault(spec => spec.From == from && spec.Event == kind);
}
