using Broker.Core.Devices;

namespace Broker.Core.Desktops.Events;

/// <summary>User: check the desktop out to one of their devices.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Device">The user's device to check the desktop out to.</param>
public sealed record CheckOutRequested(Epoch Epoch, DeviceId Device) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.CheckOutRequested;
}
