using Broker.Disks.Layers;

namespace Broker.Transfer.Host;

/// <summary>
/// A check-out the broker revoked (design §5): its device may still push, under the revoked epoch,
/// and what it pushes goes into the desktop's quarantine, never into the chain.
/// </summary>
/// <param name="Epoch">The epoch the revoke took away.</param>
/// <param name="DeviceId">The device it was checked out to.</param>
/// <param name="Quarantine">The desktop's quarantine; the registry owns it.</param>
public sealed record RevokedCheckOut(ulong Epoch, string DeviceId, LayerQuarantine Quarantine);
