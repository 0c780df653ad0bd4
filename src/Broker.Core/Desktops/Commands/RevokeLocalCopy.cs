using Broker.Core.Devices;

namespace Broker.Core.Desktops.Commands;

/// <summary>The device lost authority: stop the VM and never start this copy again; layers it still pushes go to quarantine.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Wipe">Whether to delete the local copy too (pool policy), rather than only stop the VM.</param>
public sealed record RevokeLocalCopy(DeviceId Device, DesktopId Desktop, Epoch Epoch, bool Wipe)
    : DeviceCommand(Device, Desktop, Epoch);
