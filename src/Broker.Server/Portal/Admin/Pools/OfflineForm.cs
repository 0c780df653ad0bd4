using Broker.Core.Pools;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>The offline-policy part of <see cref="PoolForm"/>; starts with the design's defaults.</summary>
internal sealed class OfflineForm
{
    public bool Allowed { get; set; }

    public int LeaseDays { get; set; } = OfflinePolicy.Default.LeaseDays;

    /// <summary>Heartbeat in seconds.</summary>
    public int Heartbeat { get; set; } = (int)OfflinePolicy.Default.Heartbeat.TotalSeconds;

    /// <summary>Background sync interval in minutes.</summary>
    public int SyncInterval { get; set; } = (int)OfflinePolicy.Default.SyncInterval.TotalMinutes;

    public bool UserMayDeferSync { get; set; }

    public bool WipeOnRevoke { get; set; }

    public RetentionForm Retention { get; set; } = new();

    public static OfflineForm From(OfflinePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new OfflineForm
        {
            Allowed = policy.Allowed,
            LeaseDays = policy.LeaseDays,
            Heartbeat = (int)policy.Heartbeat.TotalSeconds,
            SyncInterval = (int)policy.SyncInterval.TotalMinutes,
            UserMayDeferSync = policy.UserMayDeferSync,
            WipeOnRevoke = policy.WipeOnRevoke,
            Retention = new RetentionForm
            {
                Hourly = policy.Retention.Hourly,
                Daily = policy.Retention.Daily,
                Weekly = policy.Retention.Weekly,
                SnapshotInterval = (int)policy.Retention.SnapshotInterval.TotalMinutes,
            },
        };
    }

    public OfflinePolicy ToDomain() => new()
    {
        Allowed = Allowed,
        LeaseDays = LeaseDays,
        Heartbeat = TimeSpan.FromSeconds(Heartbeat),
        SyncInterval = TimeSpan.FromMinutes(SyncInterval),
        UserMayDeferSync = UserMayDeferSync,
        WipeOnRevoke = WipeOnRevoke,
        Retention = new RetentionPolicy(Retention.Hourly, Retention.Daily, Retention.Weekly) { SnapshotInterval = TimeSpan.FromMinutes(Retention.SnapshotInterval) },
    };
}
