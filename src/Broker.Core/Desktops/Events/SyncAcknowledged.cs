namespace Broker.Core.Desktops.Events;

/// <summary>Host: a background push from the device was committed to the chain.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Layer">The pushed layer the host acked.</param>
/// <param name="At">When the host acked it.</param>
public sealed record SyncAcknowledged(Epoch Epoch, LayerId Layer, DateTimeOffset At) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.SyncAcknowledged;
}
