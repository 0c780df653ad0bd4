using Broker.Core.Pools;

namespace Broker.Persistence.Pools;

/// <summary>A pool's <see cref="OfflinePolicy"/>, stored in the pool's row as a complex type.</summary>
internal sealed class OfflinePolicyColumns
{
    public bool Allowed { get; set; }

    public int LeaseDays { get; set; }

    public TimeSpan Heartbeat { get; set; }

    public TimeSpan SyncInterval { get; set; }

    public bool UserMayDeferSync { get; set; }

    public int RetainHourly { get; set; }

    public int RetainDaily { get; set; }

    public int RetainWeekly { get; set; }

    public TimeSpan SnapshotInterval { get; set; }

    public bool WipeOnRevoke { get; set; }

    public static OfflinePolicyColumns From(OfflinePolicy policy) => new()
    {
        Allowed = policy.Allowed,
        LeaseDays = policy.LeaseDays,
        Heartbeat = policy.Heartbeat,
        SyncInterval = policy.SyncInterval,
        UserMayDeferSync = policy.UserMayDeferSync,
        RetainHourly = policy.Retention.Hourly,
        RetainDaily = policy.Retention.Daily,
        RetainWeekly = policy.Retention.Weekly,
        SnapshotInterval = policy.Retention.SnapshotInterval,
        WipeOnRevoke = policy.WipeOnRevoke,
    };

    public OfflinePolicy ToDomain() => new()
    {
        Allowed = Allowed,
        LeaseDays = LeaseDays,
        Heartbeat = Heartbeat,
        SyncInterval = SyncInterval,
        UserMayDeferSync = UserMayDeferSync,
        Retention = new RetentionPolicy(RetainHourly, RetainDaily, RetainWeekly) { SnapshotInterval = SnapshotInterval },
        WipeOnRevoke = WipeOnRevoke,
    };
}
