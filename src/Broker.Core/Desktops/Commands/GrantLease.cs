using Broker.Core.Devices;
using Broker.Core.Leases;

namespace Broker.Core.Desktops.Commands;

/// <summary>The check-out is granted: the device holds authority for this epoch and may start the VM.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Term">The lease window.</param>
public sealed record GrantLease(DeviceId Device, DesktopId Desktop, Epoch Epoch, LeaseTerm Term)
    : DeviceCommand(Device, Desktop, Epoch);
