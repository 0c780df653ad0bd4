using Broker.Disks.Layers;

namespace Broker.Transfer.Host;

/// <summary>What the transfer service needs to know about one desktop the host holds.</summary>
/// <param name="DesktopId">The broker's desktop id.</param>
/// <param name="Layers">The desktop's open layer store; the registry owns it.</param>
/// <param name="Epoch">The desktop's current authority epoch (design §5): tickets and pushes must carry exactly this one.</param>
/// <param name="DeviceId">The device the desktop is being checked out to or is checked out on; null when on the server.</param>
/// <param name="Revoked">The last revoked check-out, whose device's late pushes go to quarantine; null when none.</param>
public sealed record TransferDesktop(string DesktopId, LayerStore Layers, ulong Epoch, string? DeviceId, RevokedCheckOut? Revoked = null);
