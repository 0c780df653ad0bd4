using Broker.Core.Leases;

namespace Broker.Core.Desktops.Events;

/// <summary>Device: a heartbeat reached the broker, which renews the lease.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Lease">The renewed window (see <see cref="LeaseCalculator.Renew"/>).</param>
public sealed record LeaseRenewed(Epoch Epoch, LeaseTerm Lease) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.LeaseRenewed;
}
