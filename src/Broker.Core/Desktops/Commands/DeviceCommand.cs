using Broker.Core.Devices;

namespace Broker.Core.Desktops.Commands;

/// <summary>An order to the client agent of a device; delivered at its next contact.</summary>
/// <param name="Device">The client agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public abstract record DeviceCommand(DeviceId Device, DesktopId Desktop, Epoch Epoch) : AgentCommand(Desktop, Epoch);
