using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Pull the sealed chain from the host.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Source">The host agent to pull from.</param>
public sealed record StartPull(DeviceId Device, DesktopId Desktop, Epoch Epoch, HostId Source)
    : DeviceCommand(Device, Desktop, Epoch);
