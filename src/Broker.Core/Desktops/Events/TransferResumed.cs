namespace Broker.Core.Desktops.Events;

/// <summary>User or device: resume a paused check-out transfer.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record TransferResumed(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.TransferResumed;
}
