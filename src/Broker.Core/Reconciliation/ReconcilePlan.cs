using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Core.Reconciliation;

/// <summary>The outcome of one <see cref="Reconciler"/> round.</summary>
/// <param name="HostCommands">Commands per host agent, to send on its stream.</param>
/// <param name="DeviceCommands">Commands per client agent, to send on its stream.</param>
/// <param name="HostChanges">Hosts whose health or last-seen time changed; save them.</param>
/// <param name="DeviceChanges">Devices whose online flag or last-seen time changed; save them.</param>
/// <param name="Admissions">Desktops waiting in <see cref="DesktopState.CheckOutRequested"/> that may start now: apply <see cref="Desktops.Events.CheckOutAdmitted"/> to each.</param>
public sealed record ReconcilePlan(
    ILookup<HostId, HostCommand> HostCommands,
    ILookup<DeviceId, DeviceCommand> DeviceCommands,
    IReadOnlyList<Host> HostChanges,
    IReadOnlyList<Device> DeviceChanges,
    IReadOnlyList<DesktopId> Admissions)
{
    /// <summary>Desktops whose requested start or stop the host's report shows carried out: save them (a conflict is settled next round).</summary>
    public IReadOnlyList<Desktop> DesktopChanges { get; init; } = [];
}
