using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary>The settings of a pool as options, shared by <c>pools create</c> and <c>pools update</c>; an option left out keeps the value it is applied to.</summary>
internal sealed class PoolOptions
{
    public Option<string> Name { get; } = new("--name") { Description = "The pool's name (unique)." };

    public Option<string> Kind { get; } = KindOption();

    public Option<string> Image { get; } = new("--image") { Description = "The gold image: id, NAME:VERSION, or a NAME with one version." };

    public Option<int?> Size { get; } = new("--size") { Description = "Desired number of desktops." };

    public Option<bool?> OfflineAllowed { get; } = new("--offline-allowed") { Description = "Whether desktops may be checked out to devices (true/false)." };

    public Option<int?> LeaseDays { get; } = new("--lease-days") { Description = "Offline lease length in days." };

    public Option<int?> HeartbeatSeconds { get; } = new("--heartbeat-seconds") { Description = "How often a checked-out device reports, in seconds." };

    public Option<int?> SyncMinutes { get; } = new("--sync-minutes") { Description = "Sync interval of checked-out desktops, in minutes." };

    public Option<bool?> UserMayDeferSync { get; } = new("--user-may-defer-sync") { Description = "Whether users may postpone a sync (true/false)." };

    public Option<int?> SnapshotMinutes { get; } = new("--snapshot-minutes") { Description = "How often a running desktop is snapshotted on its host, in minutes." };

    public Option<int?> RetainHourly { get; } = new("--retain-hourly") { Description = "Hourly snapshots kept." };

    public Option<int?> RetainDaily { get; } = new("--retain-daily") { Description = "Daily snapshots kept." };

    public Option<int?> RetainWeekly { get; } = new("--retain-weekly") { Description = "Weekly snapshots kept." };

    public Option<bool?> WipeOnRevoke { get; } = new("--wipe-on-revoke") { Description = "Whether a revoked check-out wipes the device's copy (true/false)." };

    /// <summary>Every option, to add to a command.</summary>
    public IEnumerable<Option> All =>
        [Name, Kind, Image, Size, OfflineAllowed, LeaseDays, HeartbeatSeconds, SyncMinutes, UserMayDeferSync, SnapshotMinutes, RetainHourly, RetainDaily, RetainWeekly, WipeOnRevoke];

    /// <summary>The API's spelling of a pool kind typed in any case.</summary>
    public static string ApiKind(string kind) => kind.Equals("floating", StringComparison.OrdinalIgnoreCase) ? "Floating" : "Dedicated";

    /// <summary><paramref name="policy"/> with the offline options given on the command line.</summary>
    public OfflinePolicy Offline(ParseResult parseResult, OfflinePolicy policy) => policy with
    {
        Allowed = parseResult.GetValue(OfflineAllowed) ?? policy.Allowed,
        LeaseDays = parseResult.GetValue(LeaseDays) ?? policy.LeaseDays,
        HeartbeatSeconds = parseResult.GetValue(HeartbeatSeconds) ?? policy.HeartbeatSeconds,
        SyncIntervalMinutes = parseResult.GetValue(SyncMinutes) ?? policy.SyncIntervalMinutes,
        UserMayDeferSync = parseResult.GetValue(UserMayDeferSync) ?? policy.UserMayDeferSync,
        RetainHourly = parseResult.GetValue(RetainHourly) ?? policy.RetainHourly,
        RetainDaily = parseResult.GetValue(RetainDaily) ?? policy.RetainDaily,
        RetainWeekly = parseResult.GetValue(RetainWeekly) ?? policy.RetainWeekly,
        WipeOnRevoke = parseResult.GetValue(WipeOnRevoke) ?? policy.WipeOnRevoke,
        SnapshotIntervalMinutes = parseResult.GetValue(SnapshotMinutes) ?? policy.SnapshotIntervalMinutes,
    };

    private static Option<string> KindOption()
    {
        var kind = new Option<string>("--kind") { Description = "dedicated (a desktop per user, kept) or floating (any free desktop, reset on release)." };
        kind.AcceptOnlyFromAmong("dedicated", "floating", "Dedicated", "Floating");
        return kind;
    }
}
