namespace Broker.Core.Desktops.Events;

/// <summary>Device: the VM is stopped and the final layer sealed; its upload began.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record FinalUploadStarted(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.FinalUploadStarted;
}
