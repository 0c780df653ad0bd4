using Broker.Core;
using Broker.Core.Assignment;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Broker.Persistence;

namespace Broker.Server.Desktops;

/// <summary>
/// What users and admins ask of desktops: each action reads the desktop, checks who may ask, runs
/// <see cref="DesktopStateMachine"/>, saves under optimistic concurrency and writes an audit entry.
/// A lost race is <see cref="DesktopActionOutcome.Conflict"/>: the caller re-reads, nothing is retried
/// behind their back. A saved change and its audit entry commit in one transaction (the stores
/// share the scope's context), so no state change goes unaudited. The commands the state machine
/// emits are not sent from here; the reconcile loop derives agent orders from the stored desired state.
/// </summary>
internal sealed class DesktopActions(
    BrokerDbContext database,
    IDesktopStore desktops,
    IPoolStore pools,
    IDeviceStore devices,
    IEntitlementStore entitlements,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>The desktop if it is <paramref name="user"/>'s: assigned to them in a pool they are still entitled to.</summary>
    public async Task<Desktop?> FindOwnAsync(UserIdentity user, DesktopId id, CancellationToken cancellationToken)
    {
        var desktop = await desktops.FindAsync(id, cancellationToken);
        if (desktop is null || desktop.Assignee != user.Id)
        {
            return null;
        }

        var granted = await entitlements.ListForPrincipalsAsync(Actor.Principals(user), cancellationToken);
        return user.IsEntitledTo(desktop.Pool, granted) ? desktop : null;
    }

    /// <summary>The desktops assigned to <paramref name="user"/> in pools they are entitled to.</summary>
    public async Task<IReadOnlyList<Desktop>> ListOwnAsync(UserIdentity user, IReadOnlyList<Desktop> assigned, CancellationToken cancellationToken)
    {
        var granted = await entitlements.ListForPrincipalsAsync(Actor.Principals(user), cancellationToken);
        return [.. assigned.Where(desktop => user.IsEntitledTo(desktop.Pool, granted))];
    }

    /// <summary>Finds or assigns the user's desktop in <paramref name="poolId"/> (<see cref="DesktopAssigner"/>).</summary>
    public async Task<DesktopActionResult> AssignAsync(UserIdentity user, PoolId poolId, CancellationToken cancellationToken)
    {
        var pool = await pools.FindAsync(poolId, cancellationToken);
        if (pool is null)
        {
            return DesktopActionResult.NotFound;
        }

        var assignment = DesktopAssigner.Assign(
            pool,
            user,
            await entitlements.ListForPoolAsync(pool.Id, cancellationToken),
            await desktops.ListByPoolAsync(pool.Id, cancellationToken));
        switch (assignment.Outcome)
        {
            case AssignmentOutcome.NotEntitled:
                return DesktopActionResult.NotFound;
            case AssignmentOutcome.NoneFree:
                return DesktopActionResult.Refused(nameof(AssignmentOutcome.NoneFree), $"Every desktop of pool '{pool.Name}' is taken.");
            case AssignmentOutcome.AlreadyAssigned:
                return DesktopActionResult.Done(assignment.Desktop!);
            case AssignmentOutcome.Assigned:
                var assigned = assignment.Desktop!;
                await using (var transaction = await database.Database.BeginTransactionAsync(cancellationToken))
                {
                    var saved = await desktops.UpdateAsync(assigned, cancellationToken);
                    if (saved.Outcome != WriteOutcome.Saved)
                    {
                        return DesktopActionResult.ConcurrentUpdate;
                    }

                    await AuditAsync(user.Id.Value, "desktop.assigned", assigned, true, $"assigned to {user.Id}", cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return DesktopActionResult.Done(assigned with { Version = saved.Version });
                }
            default:
                throw new InvalidOperationException($"Unknown assignment outcome {assignment.Outcome}.");
        }
    }

    /// <summary>The user asks to check their desktop out to one of their devices.</summary>
    public async Task<DesktopActionResult> CheckOutAsync(UserIdentity user, DesktopId id, DeviceId deviceId, Epoch? epoch, CancellationToken cancellationToken)
    {
        var desktop = await FindOwnAsync(user, id, cancellationToken);
        var pool = desktop is null ? null : await pools.FindAsync(desktop.Pool, cancellationToken);
        if (desktop is null || pool is null)
        {
            return DesktopActionResult.NotFound;
        }

        var device = await devices.FindAsync(deviceId, cancellationToken);
        if (device is null)
        {
            return DesktopActionResult.InvalidDevice;
        }

        switch (CheckOutRules.Check(pool, desktop, device, user.Id))
        {
            case null:
                break;
            case CheckOutRefusal.DeviceOfAnotherUser:
                return DesktopActionResult.InvalidDevice;
            case CheckOutRefusal.NotAssignedToUser:
                return DesktopActionResult.NotFound;
            case CheckOutRefusal.OfflineNotAllowed:
                return DesktopActionResult.Refused(nameof(CheckOutRefusal.OfflineNotAllowed), $"Pool '{pool.Name}' does not allow check-out.");
        }

        return await ApplyAsync(user.Id.Value, desktop, new CheckOutRequested(epoch ?? desktop.Epoch, device.Id), cancellationToken);
    }

    /// <summary>The user abandons a check-out before the device got authority.</summary>
    public async Task<DesktopActionResult> CancelCheckOutAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken)
    {
        var desktop = await FindOwnAsync(user, id, cancellationToken);
        return desktop is null
            ? DesktopActionResult.NotFound
            : await ApplyAsync(user.Id.Value, desktop, new CheckOutCancelled(epoch ?? desktop.Epoch), cancellationToken);
    }

    /// <summary>The user asks to bring their checked-out desktop back to the server.</summary>
    public async Task<DesktopActionResult> CheckInAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken)
    {
        var desktop = await FindOwnAsync(user, id, cancellationToken);
        return desktop is null
            ? DesktopActionResult.NotFound
            : await ApplyAsync(user.Id.Value, desktop, new CheckInRequested(epoch ?? desktop.Epoch), cancellationToken);
    }

    /// <summary>An admin takes a checked-out desktop back; the pool's policy says whether the device wipes its copy.</summary>
    public async Task<DesktopActionResult> RevokeAsync(string admin, DesktopId id, Epoch? epoch, CancellationToken cancellationToken)
    {
        var desktop = await desktops.FindAsync(id, cancellationToken);
        var pool = desktop is null ? null : await pools.FindAsync(desktop.Pool, cancellationToken);
        return desktop is null || pool is null
            ? DesktopActionResult.NotFound
            : await ApplyAsync(admin, desktop, new RevokeRequested(epoch ?? desktop.Epoch, pool.Offline.WipeOnRevoke), cancellationToken);
    }

    private async Task<DesktopActionResult> ApplyAsync(string actor, Desktop desktop, DesktopEvent @event, CancellationToken cancellationToken)
    {
        var result = DesktopStateMachine.Apply(desktop, @event);
        if (result.Error is { } error)
        {
            await audit.AppendAsync(AuditEvent.ForTransition(Guid.NewGuid(), time.GetUtcNow(), actor, desktop, @event, result), cancellationToken);
            return DesktopActionResult.Refused(error.GetType().Name, error.Message);
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var saved = await desktops.UpdateAsync(result.Desktop, cancellationToken);
        switch (saved.Outcome)
        {
            case WriteOutcome.Saved:
                await audit.AppendAsync(AuditEvent.ForTransition(Guid.NewGuid(), time.GetUtcNow(), actor, desktop, @event, result), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return DesktopActionResult.Done(result.Desktop with { Version = saved.Version });
            case WriteOutcome.NotFound:
                return DesktopActionResult.NotFound;
            case WriteOutcome.Conflict:
                return DesktopActionResult.ConcurrentUpdate;
            default:
                throw new InvalidOperationException($"Unknown write outcome {saved.Outcome}.");
        }
    }

    private Task AuditAsync(string actor, string action, Desktop desktop, bool succeeded, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), actor, action, $"desktop:{desktop.Id}", succeeded, detail), cancellationToken);
}
