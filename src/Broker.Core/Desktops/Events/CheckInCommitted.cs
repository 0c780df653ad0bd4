namespace Broker.Core.Desktops.Events;

/// <summary>Host: the final layer is in the chain; the server copy may become the authority again.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record CheckInCommitted(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.CheckInCommitted;
}
