using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Pools;
using Broker.Server.Desktops;

namespace Broker.Server.Agents;

/// <summary>
/// A device abandons a check-out to itself (<c>brokerctl desktop cancel</c>): the state machine's
/// <see cref="CheckOutCancelled"/>, so the desktop is Available again and its host unlocks the server
/// copy. The device names the epoch of its pull; if the broker has granted the check-out since (the
/// device cancelled while GRANT_LEASE was on its way, or it was lost), the cancel applies at the
/// grant's epoch and takes the grant back (the epoch moves on). Only the device the check-out is for
/// may cancel it. A repeat (the device's queued report sent again after the first went through)
/// finds the desktop Available at or past that epoch, assigned to the device's user, and changes nothing.
/// </summary>
internal sealed class DeviceCheckOutCancellations(IDesktopStore desktops, IDeviceStore devices, IPoolStore pools, DesktopActions actions)
{
    /// <summary>Cancels the check-out <paramref name="request"/> names, or says why not.</summary>
    public async Task<(DeviceDesktop? Desktop, AgentRefusal? Refusal)> CancelAsync(
        AgentIdentity agent, CancelCheckOutRequest request, CancellationToken cancellationToken)
    {
        if (agent.Device is not { } device)
        {
            return (null, AgentRefusal.NotYours);
        }

        if (!WireIds.TryDesktop(request.DesktopId, out var id) || !WireIds.TryEpoch(request.Epoch, out var wireEpoch) || wireEpoch is not { } epoch)
        {
            return (null, AgentRefusal.Malformed("A cancel request names a desktop (UUID) and the check-out's epoch."));
        }

        var desktop = await desktops.FindAsync(id, cancellationToken);
        if (desktop is null)
        {
            return (null, AgentRefusal.NotYours);
        }

        if (desktop.Device != device)
        {
            return await IsAlreadyCancelledAsync(desktop, device, epoch, cancellationToken)
                ? (await ToWireAsync(desktop, cancellationToken), null)
                : (null, AgentRefusal.NotYours);
        }

        var result = await actions.ApplyAsync(agent.Actor, desktop, [new CheckOutCancelled(GrantedSince(desktop, epoch) ? desktop.Epoch : epoch)], cancellationToken);
        return result.Outcome switch
        {
            DesktopActionOutcome.Done => (await ToWireAsync(result.Desktop!, cancellationToken), null),
            DesktopActionOutcome.NotFound => (null, AgentRefusal.NotYours),
            _ => (null, AgentRefusal.Precondition(result.Reason ?? "IllegalTransition", result.Detail ?? $"The desktop is {desktop.State}.")),
        };
    }

    /// <summary>True when the desktop was granted to its device at the epoch after <paramref name="pullEpoch"/>, the one the device pulled at.</summary>
    private static bool GrantedSince(Desktop desktop, Epoch pullEpoch) =>
        desktop is { State: DesktopState.CheckedOut, Lease: { } lease } && lease.Epoch == desktop.Epoch && pullEpoch.Next() == desktop.Epoch;

    /// <summary>True when the desktop is Available at or past <paramref name="epoch"/>, checked out to no one and assigned to <paramref name="device"/>'s user.</summary>
    private async Task<bool> IsAlreadyCancelledAsync(Desktop desktop, DeviceId device, Epoch epoch, CancellationToken cancellationToken) =>
        desktop is { Device: null, State: DesktopState.Available }
        && desktop.Epoch >= epoch
        && await devices.FindAsync(device, cancellationToken) is { } owner
        && desktop.Assignee == owner.Owner;

    private async Task<DeviceDesktop> ToWireAsync(Desktop desktop, CancellationToken cancellationToken) =>
        DeviceDesktopRequests.ToWire(desktop, await pools.FindAsync(desktop.Pool, cancellationToken));
}
