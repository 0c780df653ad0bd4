using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Pools;
using Broker.Server.Desktops;

namespace Broker.Server.Agents;

/// <summary>
/// A device abandons a check-out to itself before it got authority (<c>brokerctl desktop cancel</c>):
/// the state machine's <see cref="CheckOutCancelled"/> at the check-out's epoch, so the desktop is
/// Available again and its host unlocks the server copy. Only the device the check-out is for may
/// cancel it. A repeat (the device's queued report sent again after the first went through) finds
/// the desktop Available at that epoch, assigned to the device's user, and changes nothing.
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

        var result = await actions.ApplyAsync(agent.Actor, desktop, [new CheckOutCancelled(epoch)], cancellationToken);
        return result.Outcome switch
        {
            DesktopActionOutcome.Done => (await ToWireAsync(result.Desktop!, cancellationToken), null),
            DesktopActionOutcome.NotFound => (null, AgentRefusal.NotYours),
            _ => (null, AgentRefusal.Precondition(result.Reason ?? "IllegalTransition", result.Detail ?? $"The desktop is {desktop.State}.")),
        };
    }

    /// <summary>True when the desktop is Available at <paramref name="epoch"/>, checked out to no one and assigned to <paramref name="device"/>'s user.</summary>
    private async Task<bool> IsAlreadyCancelledAsync(Desktop desktop, DeviceId device, Epoch epoch, CancellationToken cancellationToken) =>
        desktop is { Device: null, State: DesktopState.Available }
        && desktop.Epoch == epoch
        && await devices.FindAsync(device, cancellationToken) is { } owner
        && desktop.Assignee == owner.Owner;

    private async Task<DeviceDesktop> ToWireAsync(Desktop desktop, CancellationToken cancellationToken) =>
        DeviceDesktopRequests.ToWire(desktop, await pools.FindAsync(desktop.Pool, cancellationToken));
}
