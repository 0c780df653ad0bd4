using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Stop the VM and delete the desktop's layers (the shared base stays).</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record DeleteDesktop(HostId Host, DesktopId Desktop, Epoch Epoch)
    : HostCommand(Host, Desktop, Epoch);
