namespace Broker.Core.Desktops.Events;

/// <summary>Host: the desktop's chain is a new empty top over the image it was reset to.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on (the reset's).</param>
public sealed record ResetCompleted(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.ResetCompleted;
}
