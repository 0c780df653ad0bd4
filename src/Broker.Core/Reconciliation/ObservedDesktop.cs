using Broker.Core.Desktops;
using Broker.Core.Devices;

namespace Broker.Core.Reconciliation;

/// <summary>A desktop as a host agent reports it.</summary>
/// <param name="Desktop">The desktop.</param>
/// <param name="Epoch">The newest epoch the host has applied for it.</param>
/// <param name="Locked">Whether the host keeps the server copy locked.</param>
/// <param name="Running">Whether its VM runs on the host.</param>
/// <param name="ServingDevice">The device the host serves the check-out to (or takes pushes from), if any.</param>
public sealed record ObservedDesktop(DesktopId Desktop, Epoch Epoch, bool Locked, bool Running, DeviceId? ServingDevice = null);
