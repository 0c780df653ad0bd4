namespace Broker.Core.Desktops.Events;

/// <summary>Admin: delete the desktop.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record DeleteRequested(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.DeleteRequested;
}
