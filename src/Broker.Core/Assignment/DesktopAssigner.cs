using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Entitlements;
using Broker.Core.Pools;

namespace Broker.Core.Assignment;

/// <summary>
/// Hands pool desktops to users. Dedicated pools assign a desktop on a user's first request and
/// keep it theirs; floating pools hand out any free desktop and reset it on release. Candidates are
/// taken in name, then id order, so the same input always gives the same answer.
/// </summary>
public static class DesktopAssigner
{
    /// <summary>Finds or assigns <paramref name="user"/>'s desktop in <paramref name="pool"/>.</summary>
    /// <param name="pool">The pool asked for.</param>
    /// <param name="user">The signed-in user.</param>
    /// <param name="entitlements">The pool's entitlements (others are ignored).</param>
    /// <param name="desktops">The pool's desktops.</param>
    public static AssignmentResult Assign(
        Pool pool,
        UserIdentity user,
        IEnumerable<Entitlement> entitlements,
        IReadOnlyList<Desktop> desktops)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(entitlements);
        ArgumentNullException.ThrowIfNull(desktops);

        if (!user.IsEntitledTo(pool.Id, entitlements))
        {
            return new AssignmentResult(AssignmentOutcome.NotEntitled, null);
        }

        var ordered = desktops
            .Where(desktop => desktop.Pool == pool.Id && desktop.State != DesktopState.Deleted)
            .OrderBy(desktop => desktop.Name, StringComparer.Ordinal)
            .ThenBy(desktop => desktop.Id)
            .ToList();

        var existing = ordered.FirstOrDefault(desktop => desktop.Assignee == user.Id);
        if (existing is not null)
        {
            return new AssignmentResult(AssignmentOutcome.AlreadyAssigned, existing);
        }

        var free = ordered.Where(desktop => desktop.Assignee is null);
        var chosen = pool.Kind switch
        {
            // A floating desktop is handed out ready to use.
            PoolKind.Floating => free.FirstOrDefault(desktop => desktop.State == DesktopState.Available),

            // A dedicated desktop is the user's for good, so one still being built will do; a ready one is preferred.
            PoolKind.Dedicated => free.FirstOrDefault(desktop => desktop.State == DesktopState.Available)
                ?? free.FirstOrDefault(desktop => desktop.State == DesktopState.Provisioning),
        };

        return chosen is null
            ? new AssignmentResult(AssignmentOutcome.NoneFree, null)
            : new AssignmentResult(AssignmentOutcome.Assigned, chosen with { Assignee = user.Id });
    }

    /// <summary>
    /// The user is done with <paramref name="desktop"/>. A floating desktop is unassigned and reset
    /// to the pool's current image (through <see cref="DesktopStateMachine"/>, so only when it is
    /// <see cref="DesktopState.Available"/>); a dedicated desktop stays the user's and nothing changes.
    /// </summary>
    public static TransitionResult Release(Pool pool, Desktop desktop)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(desktop);
        return pool.Kind switch
        {
            PoolKind.Floating => DesktopStateMachine.Apply(desktop, new Released(desktop.Epoch, pool.Image)),
            PoolKind.Dedicated => TransitionResult.Accepted(desktop),
        };
    }
}
