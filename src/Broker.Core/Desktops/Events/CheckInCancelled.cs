namespace Broker.Core.Desktops.Events;

/// <summary>User or device: keep working offline after all.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record CheckInCancelled(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.CheckInCancelled;
}
