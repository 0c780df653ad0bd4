namespace Broker.Core.Desktops.Events;

/// <summary>Host: the chain now ends at the requested snapshot.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record RollbackCompleted(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.RollbackCompleted;
}
