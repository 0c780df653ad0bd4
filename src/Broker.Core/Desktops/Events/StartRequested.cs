using Broker.Core.Pools;

namespace Broker.Core.Desktops.Events;

/// <summary>User: start the VM on the server.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Retention">The pool's snapshot schedule and retention now; the host keeps it for this run (and later ones until the next start).</param>
public sealed record StartRequested(Epoch Epoch, RetentionPolicy Retention) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.StartRequested;
}
