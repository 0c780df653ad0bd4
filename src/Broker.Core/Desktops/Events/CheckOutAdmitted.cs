namespace Broker.Core.Desktops.Events;

/// <summary>Broker: a transfer slot on the host is free; preparation may start.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record CheckOutAdmitted(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.CheckOutAdmitted;
}
