using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>
/// Continue the desktop from a quarantined layer: the host makes it the chain's newest sealed layer
/// under a new empty top, and keeps the chain it had as a branch (like a restore).
/// </summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the promotion was asked for.</param>
/// <param name="Layer">The quarantined layer to continue from.</param>
public sealed record PromoteQuarantinedLayer(HostId Host, DesktopId Desktop, Epoch Epoch, LayerId Layer)
    : HostCommand(Host, Desktop, Epoch);
