using Broker.Cli.Admin;
using Broker.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Cli.Desktop;

/// <summary>How desktop commands print a local desktop: a table row, <c>name: value</c> lines, or its JSON.</summary>
internal static class DesktopOutput
{
    private static readonly string[] Headers = ["NAME", "PHASE", "LEASE UNTIL", "PENDING", "NOTE"];

    public static Task WriteListAsync(AdminOutput output, IEnumerable<LocalDesktop> desktops) =>
        output.WriteTableAsync(Headers, desktops.Select(desktop => (IReadOnlyList<string>)[desktop.Name, PhaseOf(desktop), Time(desktop.LeaseExpiresAt), Formats.Number(desktop.PendingLayers), Note(desktop)]));

    public static Task WriteAsync(AdminOutput output, LocalDesktop desktop) => output.Json
        ? output.WriteJsonAsync(JsonFormatter.Default.Format(desktop))
        : output.WriteFieldsAsync(
        [
            ("name", desktop.Name),
            ("id", desktop.DesktopId),
            ("epoch", Formats.Number((long)desktop.Epoch)),
            ("phase", desktop.Suspended ? $"{PhaseOf(desktop)} (suspended: lease)" : PhaseOf(desktop)),
            ("lease until", Time(desktop.LeaseExpiresAt)),
            ("last sync", Time(desktop.LastSyncAt)),
            ("next sync", NextSync(desktop)),
            ("pending layers", Formats.Number(desktop.PendingLayers)),
            ("transfer", Transfer(desktop.Transfer)),
            ("note", Note(desktop)),
        ]);

    /// <summary>The phase in lower case: <c>LOCAL_PHASE_CHECKED_IN</c> reads <c>checked-in</c>.</summary>
    public static string PhaseOf(LocalDesktop desktop) =>
        string.Concat(desktop.Phase.ToString().Select((letter, index) => char.IsUpper(letter) && index > 0 ? $"-{char.ToLowerInvariant(letter)}" : $"{char.ToLowerInvariant(letter)}"));

    private static string Time(Timestamp? time) => Formats.Time(time?.ToDateTimeOffset());

    private static string NextSync(LocalDesktop desktop) =>
        desktop.NextSyncAt is null ? "-" : desktop.SyncDeferred ? $"{Time(desktop.NextSyncAt)} (deferred)" : Time(desktop.NextSyncAt);

    private static string Transfer(TransferState? transfer) => transfer is null || transfer.BytesTotal == 0
        ? "-"
        : $"{transfer.BytesDone * 100 / transfer.BytesTotal}% of {transfer.BytesTotal} bytes";

    private static string Note(LocalDesktop desktop) => (desktop.BlockedReason, desktop.Message) switch
    {
        ({ Length: > 0 } blocked, { Length: > 0 } message) => $"{blocked}: {message}",
        ({ Length: > 0 } blocked, _) => blocked,
        (_, var message) => message,
    };
}
