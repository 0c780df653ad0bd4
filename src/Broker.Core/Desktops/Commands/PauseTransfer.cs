using Broker.Core.Devices;

namespace Broker.Core.Desktops.Commands;

/// <summary>Pause the pull, keeping what is durable.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record PauseTransfer(DeviceId Device, DesktopId Desktop, Epoch Epoch)
    : DeviceCommand(Device, Desktop, Epoch);
