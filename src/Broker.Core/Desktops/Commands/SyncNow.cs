using Broker.Core.Devices;

namespace Broker.Core.Desktops.Commands;

/// <summary>Seal and push a layer now.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record SyncNow(DeviceId Device, DesktopId Desktop, Epoch Epoch)
    : DeviceCommand(Device, Desktop, Epoch);
