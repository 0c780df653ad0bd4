namespace Broker.Core.Desktops.Events;

/// <summary>User: abandon the check-out before the device got authority.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record CheckOutCancelled(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.CheckOutCancelled;
}
