namespace Broker.Core.Desktops.Commands;

/// <summary>
/// An order to an agent about one desktop. Every command carries the desktop's epoch at the time
/// it was issued; an agent ignores commands older than the newest epoch it has seen, and applies a
/// repeated command as a no-op (agents reconcile idempotently, design §5).
/// </summary>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
public abstract record AgentCommand(DesktopId Desktop, Epoch Epoch);
