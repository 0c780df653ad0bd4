using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Make the chain ending at the final layer the server's authoritative copy.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="FinalLayer">The device's final layer, already received and verified.</param>
public sealed record CommitCheckIn(HostId Host, DesktopId Desktop, Epoch Epoch, LayerId FinalLayer)
    : HostCommand(Host, Desktop, Epoch);
