namespace Broker.Core.Desktops.Events;

/// <summary>User or device: pause the check-out transfer.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record TransferPaused(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.TransferPaused;
}
