namespace Broker.Core.Desktops.Events;

/// <summary>Host: the desktop's disk is built and it can be started.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record ProvisioningCompleted(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.ProvisioningCompleted;
}
