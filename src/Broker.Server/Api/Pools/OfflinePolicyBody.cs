using Broker.Core.Pools;

namespace Broker.Server.Api.Pools;

/// <summary>A pool's offline policy on the wire; omitted fields take the design's defaults.</summary>
internal sealed record OfflinePolicyBody(
    bool? Allowed,
    int? LeaseDays,
    int? HeartbeatSeconds,
    int? SyncIntervalMinutes,
    bool? UserMayDeferSync,
    int? RetainHourly,
    int? RetainDaily,
    int? RetainWeekly,
    bool? WipeOnRevoke,
    int? SnapshotIntervalMinutes = null)
{
    public OfflinePolicy ToDomain()
    {
        var defaults = OfflinePolicy.Default;
        return new OfflinePolicy
        {
            Allowed = Allowed ?? defaults.Allowed,
            LeaseDays = LeaseDays ?? defaults.LeaseDays,
            Heartbeat = HeartbeatSeconds is { } heartbeat ? TimeSpan.FromSeconds(heartbeat) : defaults.Heartbeat,
            SyncInterval = SyncIntervalMinutes is { } sync ? TimeSpan.FromMinutes(sync) : defaults.SyncInterval,
            UserMayDeferSync = UserMayDeferSync ?? defaults.UserMayDeferSync,
            Retention = new RetentionPolicy(
                RetainHourly ?? defaults.Retention.Hourly,
                RetainDaily ?? defaults.Retention.Daily,
                RetainWeekly ?? defaults.Retention.Weekly)
            {
                SnapshotInterval = SnapshotIntervalMinutes is { } snapshot ? TimeSpan.FromMinutes(snapshot) : defaults.Retention.SnapshotInterval,
            },
            WipeOnRevoke = WipeOnRevoke ?? defaults.WipeOnRevoke,
        };
    }

    public static OfflinePolicyBody From(OfflinePolicy policy) => new(
        policy.Allowed,
        policy.LeaseDays,
        (int)policy.Heartbeat.TotalSeconds,
        (int)policy.SyncInterval.TotalMinutes,
        policy.UserMayDeferSync,
        policy.Retention.Hourly,
        policy.Retention.Daily,
        policy.Retention.Weekly,
        policy.WipeOnRevoke,
        (int)policy.Retention.SnapshotInterval.TotalMinutes);
}
