namespace Broker.Core.Desktops.Events;

/// <summary>User or admin: push a layer now instead of at the next sync interval.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record SyncRequested(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.SyncRequested;
}
