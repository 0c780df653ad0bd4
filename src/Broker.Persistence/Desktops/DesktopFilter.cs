using Broker.Core.Desktops;
using Broker.Core.Entitlements;
using Broker.Core.Pools;

namespace Broker.Persistence.Desktops;

/// <summary>Which desktops <see cref="IDesktopQueries.ListAsync"/> returns; unset criteria match everything.</summary>
/// <param name="Pool">Only desktops of this pool.</param>
/// <param name="State">Only desktops in this state.</param>
/// <param name="Assignee">Only desktops assigned to this user.</param>
/// <param name="Skip">How many matching desktops to skip (paging).</param>
/// <param name="Take">How many to return at most (capped at <see cref="MaxTake"/>).</param>
public sealed record DesktopFilter(
    PoolId? Pool = null,
    DesktopState? State = null,
    UserId? Assignee = null,
    int Skip = 0,
    int Take = 100)
{
    /// <summary>Largest page returned.</summary>
    public const int MaxTake = 500;
}
