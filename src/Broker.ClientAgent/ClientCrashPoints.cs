using Broker.Disks.Crashes;

namespace Broker.ClientAgent;

/// <summary>
/// The client agent's crash points (<see cref="CrashPoint"/>, armed by <c>BROKER_CRASH_AT</c>), in
/// the order a check-out, a sync and a check-in reach them; <see cref="All"/> lists them for
/// harnesses that kill <c>broker-client</c> at every one.
/// </summary>
public static class ClientCrashPoints
{
    /// <summary>Pull: one more progress measurement (some chunks are on disk); hit once per measurement.</summary>
    public static readonly CrashPoint PullProgressed = new("pull.after-progress");

    /// <summary>Pull: the whole chain is on disk; the record still says pulling.</summary>
    public static readonly CrashPoint PullCompleted = new("pull.after-chain-pulled");

    /// <summary>Sync: the local top is sealed under the running VM; nothing of it is pushed.</summary>
    public static readonly CrashPoint SyncSealed = new("sync.after-seal");

    /// <summary>Push: one more progress measurement; hit once per measurement.</summary>
    public static readonly CrashPoint PushProgressed = new("push.after-progress");

    /// <summary>Push: the host acknowledged a layer; the record does not name it as the host's yet.</summary>
    public static readonly CrashPoint PushAcknowledged = new("push.after-ack");

    /// <summary>Check-in: the VM is stopped and the top sealed; the final upload is not reported yet.</summary>
    public static readonly CrashPoint CheckInSealed = new("checkin.after-seal");

    /// <summary>Check-in: every layer is at the host; the record does not say uploaded yet.</summary>
    public static readonly CrashPoint CheckInPushed = new("checkin.after-final-push");

    /// <summary>Every point above.</summary>
    public static IReadOnlyList<CrashPoint> All { get; } =
    [
        PullProgressed,
        PullCompleted,
        SyncSealed,
        PushProgressed,
        PushAcknowledged,
        CheckInSealed,
        CheckInPushed,
    ];
}
