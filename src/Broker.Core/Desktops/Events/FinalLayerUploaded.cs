namespace Broker.Core.Desktops.Events;

/// <summary>Host: the final layer is received and verified.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Layer">The final layer.</param>
/// <param name="At">When the host acked it.</param>
public sealed record FinalLayerUploaded(Epoch Epoch, LayerId Layer, DateTimeOffset At) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.FinalLayerUploaded;
}
