namespace Broker.Core.Desktops.Events;

/// <summary>Host: after a revoke, the server copy is unlocked at the last acked layer.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public sealed record ServerCopyResumed(Epoch Epoch) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.ServerCopyResumed;
}
