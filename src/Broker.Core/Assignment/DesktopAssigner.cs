using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Entitlements;
using Broker.Core.Pools;

namespace Broker.Core.Assignment;

/// <summary>
/// Hands pool desktops to users. Dedicated pools assign a desktop on a user's first request and
/// keep it theirs; floating pools hand out any free desktop and reset it on release. Among the free
/// desktops (in name, then id order) each user starts at a place given by a hash of their id: users
/// asking at the same moment mostly get different desktops instead of all racing for the first,
/// while two requests of one user (also on two broker instances) still pick the same one, so
/// optimistic concurrency lets only one of them assign. The same input always gives the same answer.
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

        var free = ordered.Where(desktop => desktop.Assignee is null).ToList();
        var chosen = pool.Kind switch
        {
            // A floating desktop is handed out ready to use.
            PoolKind.Floating => PickFor(user.Id, free, DesktopState.Available),

            // A dedicated desktop is the user's for good, so one still being built will do; a ready one is preferred.
            PoolKind.Dedicated => PickFor(user.Id, free, DesktopState.Available)
                ?? PickFor(user.Id, free, DesktopState.Provisioning),
        };

        return chosen is null
            ? new AssignmentResult(AssignmentOutcome.NoneFree, null)
            : new AssignmentResult(AssignmentOutcome.Assigned, chosen with { Assignee = user.Id });
    }

    /// <summary>The free desktop in <paramref name="state"/> at the user's place, or <see langword="null"/> when there is none.</summary>
    private static Desktop? PickFor(UserId user, List<Desktop> free, DesktopState state)
    {
        var candidates = free.FindAll(desktop => desktop.State == state);
        if (candidates.Count == 0)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(user.Value), hash);
        return candidates[(int)(BinaryPrimitives.ReadUInt32LittleEndian(hash) % (uint)candidates.Count)];
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
