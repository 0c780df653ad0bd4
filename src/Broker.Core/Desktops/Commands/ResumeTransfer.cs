using Broker.Core.Devices;

namespace Broker.Core.Desktops.Commands;

/// <summary>Resume the pull from the last durable chunk.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record ResumeTransfer(DeviceId Device, DesktopId Desktop, Epoch Epoch)
    : DeviceCommand(Device, Desktop, Epoch);
