using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Accept layer pushes from the device at this epoch, and only those.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Writer">The device that now holds authority.</param>
public sealed record AcceptDevicePushes(HostId Host, DesktopId Desktop, Epoch Epoch, DeviceId Writer)
    : HostCommand(Host, Desktop, Epoch);
