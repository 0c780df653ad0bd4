using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Keep the server copy stopped and refuse to start it until unlocked: the device becomes the only writer.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record LockServerCopy(HostId Host, DesktopId Desktop, Epoch Epoch)
    : HostCommand(Host, Desktop, Epoch);
