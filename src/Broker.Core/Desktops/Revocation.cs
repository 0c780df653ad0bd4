using Broker.Core.Devices;

namespace Broker.Core.Desktops;

/// <summary>
/// The check-out an admin took back last: the device that held the desktop and the epoch it held.
/// That device may still push one late layer under that epoch; the host keeps it in quarantine.
/// </summary>
/// <param name="Device">The device that lost authority.</param>
/// <param name="Epoch">The epoch it held when the desktop was revoked.</param>
public sealed record Revocation(DeviceId Device, Epoch Epoch);
