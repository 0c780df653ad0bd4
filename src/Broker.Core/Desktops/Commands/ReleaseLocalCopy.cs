using Broker.Core.Devices;

namespace Broker.Core.Desktops.Commands;

/// <summary>The check-in is committed: the local copy is no longer authoritative and may be removed (the shared base may stay cached).</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record ReleaseLocalCopy(DeviceId Device, DesktopId Desktop, Epoch Epoch)
    : DeviceCommand(Device, Desktop, Epoch);
