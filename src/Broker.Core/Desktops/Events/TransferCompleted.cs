using Broker.Core.Leases;

namespace Broker.Core.Desktops.Events;

/// <summary>Device: the whole chain is pulled and verified; authority moves to the device.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Lease">The lease window the broker grants (see <see cref="LeaseCalculator.Grant"/>).</param>
public sealed record TransferCompleted(Epoch Epoch, LeaseTerm Lease) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.TransferCompleted;
}
