using Broker.Core.Hosts;
using Broker.Core.Pools;

namespace Broker.Core.Desktops.Commands;

/// <summary>
/// Start the VM on the server, and snapshot it while it runs on its pool's schedule. The schedule
/// travels with every start, so a change of the pool's retention reaches a desktop at its next start.
/// </summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Retention">The pool's snapshot interval and retention.</param>
public sealed record StartDesktop(HostId Host, DesktopId Desktop, Epoch Epoch, RetentionPolicy Retention)
    : HostCommand(Host, Desktop, Epoch);
