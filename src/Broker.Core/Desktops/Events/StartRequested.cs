namespace Broker.Core.Desktops.Events;

/// <summary>User: start the VM on the server.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record StartRequested(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.StartRequested;
}
