namespace Broker.Core.Audit;

/// <summary>A filter over the audit log; unset criteria match everything. Results are newest first.</summary>
/// <param name="From">Entries at or after this instant.</param>
/// <param name="To">Entries before this instant.</param>
/// <param name="Actor">Entries by this actor exactly.</param>
/// <param name="Target">Entries about this target exactly.</param>
/// <param name="Action">
/// Entries with this action exactly (<c>host.drained</c>), or of this family when it ends with a dot
/// (<c>host.</c> matches every <c>host.*</c> action).
/// </param>
/// <param name="Skip">How many matching entries to skip (paging).</param>
/// <param name="Take">How many to return at most.</param>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    string? Target = null,
    string? Action = null,
    int Skip = 0,
    int Take = 100)
{
    /// <summary>True when <paramref name="action"/> is a family of actions (ends with a dot) rather than one action.</summary>
    public static bool IsFamily(string action) => action.EndsWith('.');
}
