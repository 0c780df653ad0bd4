using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>An order to the host agent that owns a desktop's server copy.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public abstract record HostCommand(HostId Host, DesktopId Desktop, Epoch Epoch) : AgentCommand(Desktop, Epoch);
