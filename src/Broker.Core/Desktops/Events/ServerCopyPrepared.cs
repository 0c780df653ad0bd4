namespace Broker.Core.Desktops.Events;

/// <summary>Host: the VM is stopped, the top sealed and the server copy locked.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="SealedLayer">The layer sealed from the server's top, the last one the device will pull.</param>
public sealed record ServerCopyPrepared(Epoch Epoch, LayerId SealedLayer) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.ServerCopyPrepared;
}
