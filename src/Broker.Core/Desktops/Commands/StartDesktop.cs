using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Start the VM on the server.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record StartDesktop(HostId Host, DesktopId Desktop, Epoch Epoch)
    : HostCommand(Host, Desktop, Epoch);
