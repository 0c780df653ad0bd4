using Broker.Core;
using Broker.Core.Assignment;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Broker.Persistence;
using Broker.Server.Agents;

namespace Broker.Server.Desktops;

/// <summary>
/// What users and admins ask of desktops: each action reads the desktop, checks who may ask, runs
/// <see cref="DesktopStateMachine"/>, saves under optimistic concurrency and writes an audit entry.
/// A lost race is <see cref="DesktopActionOutcome.Conflict"/>: the caller re-reads, nothing is retried
/// behind their back (except picking a pool desktop, which the user did not choose). A saved change
/// and its audit entry commit in one transaction (the stores share the scope's context), so no
/// state change goes unaudited. After the commit the commands the
/// state machine emits go to the connected agents at once; the reconcile loop re-derives lost ones.
/// </summary>
internal sealed class DesktopActions(
    BrokerDbContext database,
    IDesktopStore desktops,
    IPoolStore pools,
    IDeviceStore devices,
    IEntitlementStore entitlements,
    IAuditLog audit,
    AgentCommandDispatcher commands,
    TimeProvider time)
{
    /// <summary>How often <see cref="AssignAsync"/> tries when other requests keep taking the desktop it picked.</summary>
    private const int AssignAttempts = 5;

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

    /// <summary>
    /// Finds or assigns the user's desktop in <paramref name="poolId"/> (<see cref="DesktopAssigner"/>).
    /// The user did not choose the desktop, so when another request took it first the assignment is
    /// re-read and tried again a few times before the caller hears of the conflict.
    /// </summary>
    public async Task<DesktopActionResult> AssignAsync(UserIdentity user, PoolId poolId, CancellationToken cancellationToken)
    {
        var result = await TryAssignAsync(user, poolId, cancellationToken);
        for (var attempt = 1; attempt < AssignAttempts && result.Outcome == DesktopActionOutcome.Conflict; attempt++)
        {
            result = await TryAssignAsync(user, poolId, cancellationToken);
        }

        return result;
    }

    private async Task<DesktopActionResult> TryAssignAsync(UserIdentity user, PoolId poolId, CancellationToken cancellationToken)
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

        return await ApplyAsync(user.Id.Value, desktop, [new CheckOutRequested(epoch ?? desktop.Epoch, device.Id)], cancellationToken);
    }

    /// <summary>
    /// The user abandons a check-out before the device got authority. Once granted only the device
    /// itself may give it back (it knows whether it holds work the server has not acked); the user
    /// checks in instead.
    /// </summary>
    public async Task<DesktopActionResult> CancelCheckOutAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        await FindOwnAsync(user, id, cancellationToken) switch
        {
            null => DesktopActionResult.NotFound,
            { State: DesktopState.CheckedOut } granted => DesktopActionResult.Refused(
                nameof(IllegalTransition), $"The desktop is checked out to its device; check it in instead (epoch {granted.Epoch})."),
            var desktop => await ApplyAsync(user.Id.Value, desktop, [new CheckOutCancelled(epoch ?? desktop.Epoch)], cancellationToken),
        };

    /// <summary>The user asks to bring their checked-out desktop back to the server.</summary>
    public Task<DesktopActionResult> CheckInAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        ApplyOwnAsync(user, id, desktop => [new CheckInRequested(epoch ?? desktop.Epoch)], cancellationToken);

    /// <summary>The user asks for their desktop's VM to be started on the server.</summary>
    public Task<DesktopActionResult> StartAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        ApplyOwnInPoolAsync(user, id, (desktop, pool) => [new StartRequested(epoch ?? desktop.Epoch, pool.Offline.Retention)], cancellationToken);

    /// <summary>The user asks for their desktop's VM to be stopped on the server.</summary>
    public Task<DesktopActionResult> StopAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        ApplyOwnAsync(user, id, desktop => [new StopRequested(epoch ?? desktop.Epoch)], cancellationToken);

    /// <summary>The user asks for a stop followed by a start, saved together.</summary>
    public Task<DesktopActionResult> RestartAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        ApplyOwnInPoolAsync(user, id, (desktop, pool) => [new StopRequested(epoch ?? desktop.Epoch), new StartRequested(epoch ?? desktop.Epoch, pool.Offline.Retention)], cancellationToken);

    /// <summary>The user asks their device to push a layer now rather than at the next sync interval.</summary>
    public Task<DesktopActionResult> SyncNowAsync(UserIdentity user, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        ApplyOwnAsync(user, id, desktop => [new SyncRequested(epoch ?? desktop.Epoch)], cancellationToken);

    /// <summary>An admin asks the device holding a desktop to push a layer now.</summary>
    public async Task<DesktopActionResult> ForceSyncAsync(string admin, DesktopId id, Epoch? epoch, CancellationToken cancellationToken) =>
        await desktops.FindAsync(id, cancellationToken) is { } desktop
            ? await ApplyAsync(admin, desktop, [new SyncRequested(epoch ?? desktop.Epoch)], cancellationToken)
            : DesktopActionResult.NotFound;

    /// <summary>An admin takes a checked-out desktop back; the pool's policy says whether the device wipes its copy.</summary>
    public async Task<DesktopActionResult> RevokeAsync(string admin, DesktopId id, Epoch? epoch, CancellationToken cancellationToken)
    {
        var desktop = await desktops.FindAsync(id, cancellationToken);
        var pool = desktop is null ? null : await pools.FindAsync(desktop.Pool, cancellationToken);
        return desktop is null || pool is null
            ? DesktopActionResult.NotFound
            : await ApplyAsync(admin, desktop, [new RevokeRequested(epoch ?? desktop.Epoch, pool.Offline.WipeOnRevoke)], cancellationToken);
    }

    private async Task<DesktopActionResult> ApplyOwnAsync(UserIdentity user, DesktopId id, Func<Desktop, IReadOnlyList<DesktopEvent>> events, CancellationToken cancellationToken) =>
        await FindOwnAsync(user, id, cancellationToken) is { } desktop
            ? await ApplyAsync(user.Id.Value, desktop, events(desktop), cancellationToken)
            : DesktopActionResult.NotFound;

    /// <summary>As <see cref="ApplyOwnAsync"/>, for events that carry the pool's settings (a start carries its snapshot schedule).</summary>
    private async Task<DesktopActionResult> ApplyOwnInPoolAsync(UserIdentity user, DesktopId id, Func<Desktop, Pool, IReadOnlyList<DesktopEvent>> events, CancellationToken cancellationToken)
    {
        var desktop = await FindOwnAsync(user, id, cancellationToken);
        var pool = desktop is null ? null : await pools.FindAsync(desktop.Pool, cancellationToken);
        return desktop is null || pool is null
            ? DesktopActionResult.NotFound
            : await ApplyAsync(user.Id.Value, desktop, events(desktop, pool), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="events"/> in order through the state machine and saves the outcome with
    /// one audit entry per event, all or nothing: the first refused event is audited as refused and
    /// nothing is saved.
    /// </summary>
    public async Task<DesktopActionResult> ApplyAsync(string actor, Desktop desktop, IReadOnlyList<DesktopEvent> events, CancellationToken cancellationToken)
    {
        var current = desktop;
        var entries = new List<AuditEvent>();
        var commandsToSend = new List<Broker.Core.Desktops.Commands.AgentCommand>();
        foreach (var @event in events)
        {
            var result = DesktopStateMachine.Apply(current, @event);
            var entry = AuditEvent.ForTransition(Guid.NewGuid(), time.GetUtcNow(), actor, current, @event, result);
            if (result.Error is { } error)
            {
                await audit.AppendAsync(entry, cancellationToken);
                return DesktopActionResult.Refused(error.GetType().Name, error.Message);
            }

            entries.Add(entry);
            commandsToSend.AddRange(result.Commands);
            current = result.Desktop;
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var saved = await desktops.UpdateAsync(current, cancellationToken);
        switch (saved.Outcome)
        {
            case WriteOutcome.Saved:
                foreach (var entry in entries)
                {
                    await audit.AppendAsync(entry, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                await commands.DispatchAsync(commandsToSend, cancellationToken);
                return DesktopActionResult.Done(current with { Version = saved.Version });
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
