namespace Broker.Cli.Admin.Api;

/// <summary>A pool's offline policy as the API shows and takes it; a field left null in a request takes the broker's default.</summary>
internal sealed record OfflinePolicy(
    bool? Allowed = null,
    int? LeaseDays = null,
    int? HeartbeatSeconds = null,
    int? SyncIntervalMinutes = null,
    bool? UserMayDeferSync = null,
    int? RetainHourly = null,
    int? RetainDaily = null,
    int? RetainWeekly = null,
    bool? WipeOnRevoke = null,
    int? SnapshotIntervalMinutes = null);
