namespace Broker.Core.Desktops.Events;

/// <summary>Admin: take the desktop back from the device now.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="WipeLocalCopy">Whether the device must also wipe its copy (pool policy).</param>
public sealed record RevokeRequested(Epoch Epoch, bool WipeLocalCopy) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.RevokeRequested;
}
