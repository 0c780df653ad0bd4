using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Entitlements;
using Grpc.Core;

namespace Broker.Server.Desktops;

/// <summary>
/// A desktop's snapshots (design §9) and point-in-time restore to one of them: the list comes from
/// the host that holds the desktop (<c>HostConsole.ListSnapshots</c>, the same grant as a console
/// read); a restore names one of the listed layers and becomes the state machine's
/// <see cref="RollbackRequested"/>, whose <c>ROLL_BACK_TO_SNAPSHOT</c> the host carries out. The
/// current top is kept on the host as a branch, so a restore loses nothing.
/// </summary>
internal sealed class DesktopSnapshots(DesktopHostLocator locator, HostConsoleReader reader, DesktopActions actions, IAuditLog audit, TimeProvider time)
{
    /// <summary>What a user is told about a desktop that does not exist or is not theirs (the same words for both).</summary>
    public const string NotYours = "There is no such desktop, or it is not yours.";

    /// <summary>The snapshots the desktop's host lists, oldest first.</summary>
    public async Task<DesktopSnapshotListing> ListAsync(DesktopId id, CancellationToken cancellationToken) =>
        (await ListFromHostAsync(id, cancellationToken)).Listing;

    /// <summary>The snapshots of <paramref name="user"/>'s own desktop (assigned to them, in a pool they are entitled to); not found otherwise.</summary>
    public async Task<DesktopSnapshotListing> ListOwnAsync(UserIdentity user, DesktopId id, CancellationToken cancellationToken) =>
        await actions.FindOwnAsync(user, id, cancellationToken) is null
            ? new DesktopSnapshotListing(HostCallOutcome.NotFound, Detail: NotYours)
            : await ListAsync(id, cancellationToken);

    /// <summary><paramref name="user"/> restores their own desktop, under the same rules as <see cref="RestoreAsync"/>; not found for anyone else's.</summary>
    public async Task<DesktopRestore> RestoreOwnAsync(UserIdentity user, DesktopId id, LayerId snapshot, Epoch? epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await actions.FindOwnAsync(user, id, cancellationToken) is null
            ? new DesktopRestore(HostCallOutcome.NotFound, Detail: NotYours)
            : await RestoreAsync(user.Id.Value, id, snapshot, epoch, cancellationToken);
    }

    /// <summary>
    /// <paramref name="actor"/> (an admin, or the desktop's user through <see cref="RestoreOwnAsync"/>)
    /// restores the desktop to <paramref name="snapshot"/>. The state machine is asked first
    /// (a state that does not allow it is refused, and audited, without calling the host); then the
    /// host must list the snapshot; then the request is saved, audited and sent.
    /// </summary>
    public async Task<DesktopRestore> RestoreAsync(string actor, DesktopId id, LayerId snapshot, Epoch? epoch, CancellationToken cancellationToken)
    {
        var (listing, desktop) = await ListFromHostAsync(id, cancellationToken);
        if (desktop is null)
        {
            return new DesktopRestore(HostCallOutcome.NotFound, Detail: listing.Detail);
        }

        var request = new RollbackRequested(epoch ?? desktop.Epoch, snapshot);
        if (!DesktopStateMachine.Apply(desktop, request).IsAccepted)
        {
            return new DesktopRestore(HostCallOutcome.Done, await actions.ApplyAsync(actor, desktop, [request], cancellationToken));
        }

        if (listing.Outcome != HostCallOutcome.Done)
        {
            return new DesktopRestore(listing.Outcome, Detail: listing.Detail);
        }

        if (!listing.Snapshots!.Any(listed => listed.Layer == snapshot))
        {
            var detail = $"The host of desktop {id} lists no snapshot {snapshot}.";
            await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), actor, $"desktop.{request.Kind}", $"desktop:{id}", false, detail), cancellationToken);
            return new DesktopRestore(HostCallOutcome.NotFound, Detail: detail);
        }

        return new DesktopRestore(HostCallOutcome.Done, await actions.ApplyAsync(actor, desktop, [request], cancellationToken));
    }

    private async Task<(DesktopSnapshotListing Listing, Desktop? Desktop)> ListFromHostAsync(DesktopId id, CancellationToken cancellationToken)
    {
        var location = await locator.LocateAsync(id, "its snapshots", cancellationToken);
        if (location is not { Host: { } host, Address: { } address })
        {
            var outcome = location.Desktop is null ? HostCallOutcome.NotFound : HostCallOutcome.HostUnavailable;
            return (new DesktopSnapshotListing(outcome, Detail: location.Failure), location.Desktop);
        }

        try
        {
            var list = await reader.ListSnapshotsAsync(address, host.Id.ToString(), id.ToString(), cancellationToken);
            return (new DesktopSnapshotListing(HostCallOutcome.Done, DesktopSnapshot.From(list)), location.Desktop);
        }
        catch (RpcException failure) when (failure.StatusCode == StatusCode.NotFound)
        {
            return (new DesktopSnapshotListing(HostCallOutcome.NotFound, Detail: $"Host {host.Name} holds no desktop {id} (not provisioned there yet)."), location.Desktop);
        }
        catch (RpcException failure) when (!cancellationToken.IsCancellationRequested)
        {
            var detail = $"Host {host.Name} at {address} did not answer the snapshot list: {failure.StatusCode} {failure.Status.Detail}";
            return (new DesktopSnapshotListing(HostCallOutcome.HostUnavailable, Detail: detail), location.Desktop);
        }
    }
}
