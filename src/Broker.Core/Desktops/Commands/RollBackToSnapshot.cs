using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Stop the VM and make the chain end at the snapshot under a new empty top (newer layers are kept as a branch).</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Snapshot">The sealed layer the chain must end at.</param>
public sealed record RollBackToSnapshot(HostId Host, DesktopId Desktop, Epoch Epoch, LayerId Snapshot)
    : HostCommand(Host, Desktop, Epoch);
