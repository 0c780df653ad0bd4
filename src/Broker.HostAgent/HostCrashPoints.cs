using Broker.Disks.Crashes;
using Broker.Transfer.Host;

namespace Broker.HostAgent;

/// <summary>
/// The host agent's crash points (<see cref="CrashPoint"/>, armed by <c>BROKER_CRASH_AT</c>), in
/// the order a check-out, its pushes, its check-in and a revoke reach them, then those of a periodic
/// snapshot and of a reset; <see cref="All"/> lists them for harnesses that kill <c>broker-host</c> at every one.
/// </summary>
public static class HostCrashPoints
{
    /// <summary>Check-out prepare: the lock (and epoch) is durable; the VM may still run, nothing is sealed.</summary>
    public static readonly CrashPoint CheckOutLocked = new("checkout.after-lock");

    /// <summary>Check-out prepare: the top is sealed; the record does not name the prepared layer yet.</summary>
    public static readonly CrashPoint CheckOutSealed = new("checkout.after-seal");

    /// <summary>Check-in commit: the final layer is found in the chain; the broker has not heard of the commit.</summary>
    public static readonly CrashPoint CheckInCommitted = new("checkin.before-report");

    /// <summary>Unlock (check-in done or revoke): the unlocked record is durable; the broker has not heard of the resume.</summary>
    public static readonly CrashPoint Unlocked = new("unlock.after-unlock");

    /// <summary>Revoke: the revoked device and epoch are durable and the desktop moved to the new epoch, still locked.</summary>
    public static readonly CrashPoint Revoked = new("revoke.after-record");

    /// <summary>Periodic snapshot: the top is sealed under the running export; retention has merged nothing yet.</summary>
    public static readonly CrashPoint SnapshotSealed = new("snapshot.after-seal");

    /// <summary>Periodic snapshot: one merge retention asked for is done (hit once per merge).</summary>
    public static readonly CrashPoint SnapshotMerged = new("snapshot.after-merge");

    /// <summary>Reset to another image: the new base holds the desktop's extra reference; the record still names the old chain.</summary>
    public static readonly CrashPoint ResetReferenced = new("reset.after-new-reference");

    /// <summary>Reset: the record names the new chain; the old base's reference is not released yet.</summary>
    public static readonly CrashPoint ResetSwitched = new("reset.after-switch");

    /// <summary>Every point above, and the push commit's (<see cref="PushCrashPoints.Committed"/>) between the check-out's and the check-in's.</summary>
    public static IReadOnlyList<CrashPoint> All { get; } =
    [
        CheckOutLocked,
        CheckOutSealed,
        PushCrashPoints.Committed,
        CheckInCommitted,
        Revoked,
        Unlocked,
        SnapshotSealed,
        SnapshotMerged,
        ResetReferenced,
        ResetSwitched,
    ];
}
