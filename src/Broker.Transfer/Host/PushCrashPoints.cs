using Broker.Disks.Crashes;

namespace Broker.Transfer.Host;

/// <summary>The crash points of a host's push commit (<see cref="CrashPoint"/>), for harnesses that kill the receiving process there.</summary>
public static class PushCrashPoints
{
    /// <summary>Push: the pushed layer is committed to its target (renamed, recorded); the client has no ack yet.</summary>
    public static readonly CrashPoint Committed = new("push.after-commit");
}
