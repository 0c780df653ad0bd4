using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Unlock the server copy at its last acked layer and restore its power state: the server is the writer again.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public sealed record UnlockAndResume(HostId Host, DesktopId Desktop, Epoch Epoch)
    : HostCommand(Host, Desktop, Epoch);
