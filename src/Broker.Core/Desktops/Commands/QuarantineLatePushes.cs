using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Core.Desktops.Commands;

/// <summary>Keep late pushes from a revoked device in a quarantine branch instead of the chain: nothing is lost, nothing overwrites.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="RevokedDevice">The device that lost authority.</param>
/// <param name="RevokedEpoch">The epoch it held; its pushes carrying it go to quarantine.</param>
public sealed record QuarantineLatePushes(HostId Host, DesktopId Desktop, Epoch Epoch, DeviceId RevokedDevice, Epoch RevokedEpoch)
    : HostCommand(Host, Desktop, Epoch);
