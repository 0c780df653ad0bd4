namespace Broker.Core.Desktops.Events;

/// <summary>User: bring the desktop back to the server.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record CheckInRequested(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.CheckInRequested;
}
