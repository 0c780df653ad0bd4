using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Pools;

namespace Broker.Core.Desktops;

/// <summary>
/// Who may ask for a check-out, checked before a <see cref="Events.CheckOutRequested"/> event is
/// built. Whether the desktop's state allows it is the state machine's answer, not this one's.
/// </summary>
public static class CheckOutRules
{
    /// <summary>The first rule the request breaks, or <see langword="null"/> when it may proceed.</summary>
    public static CheckOutRefusal? Check(Pool pool, Desktop desktop, Device device, UserId user)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(desktop);
        ArgumentNullException.ThrowIfNull(device);

        if (desktop.Pool != pool.Id)
        {
            throw new ArgumentException($"Desktop {desktop.Id} is not in pool {pool.Id}.", nameof(desktop));
        }

        if (!pool.Offline.Allowed)
        {
            return CheckOutRefusal.OfflineNotAllowed;
        }

        if (desktop.Assignee != user)
        {
            return CheckOutRefusal.NotAssignedToUser;
        }

        return device.Owner != user ? CheckOutRefusal.DeviceOfAnotherUser : null;
    }
}
