using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Let the device pull the sealed chain (with tickets for this epoch).</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Client">The device allowed to pull the chain.</param>
public sealed record ServeTransfer(HostId Host, DesktopId Desktop, Epoch Epoch, DeviceId Client)
    : HostCommand(Host, Desktop, Epoch);
