using Broker.Disks.Crashes;
using Broker.Transfer.Host;

namespace Broker.HostAgent;

/// <summary>
/// The host agent's crash points (<see cref="CrashPoint"/>, armed by <c>BROKER_CRASH_AT</c>), in
/// the order a check-out, its pushes, its check-in and a revoke reach them; <see cref="All"/> lists
/// them for harnesses that kill <c>broker-host</c> at every one.
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

    /// <summary>Every point above, and the push commit's (<see cref="PushCrashPoints.Committed"/>) between the check-out's and the check-in's.</summary>
    public static IReadOnlyList<CrashPoint> All { get; } =
    [
        CheckOutLocked,
        CheckOutSealed,
        PushCrashPoints.Committed,
        CheckInCommitted,
        Unlocked,
    ];
}
