namespace Broker.Core.Desktops.Events;

/// <summary>User or admin: roll the desktop back to an earlier snapshot.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Snapshot">The sealed layer to roll back to.</param>
public sealed record RollbackRequested(Epoch Epoch, LayerId Snapshot) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.RollbackRequested;
}
