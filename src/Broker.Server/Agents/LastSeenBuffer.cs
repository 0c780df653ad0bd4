using System.Collections.Concurrent;
using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Server.Agents;

/// <summary>
/// This instance's last-seen times that are not stored yet: a plain heartbeat only lands here, and
/// <see cref="LastSeenFlushLoop"/> writes them in one batch per interval instead of one write per
/// heartbeat. Per agent only the newest time is kept.
/// </summary>
internal sealed class LastSeenBuffer
{
    private readonly ConcurrentDictionary<HostId, DateTimeOffset> _hosts = new();
    private readonly ConcurrentDictionary<DeviceId, DateTimeOffset> _devices = new();

    /// <summary>True when nothing waits to be written.</summary>
    public bool IsEmpty => _hosts.IsEmpty && _devices.IsEmpty;

    /// <summary>The host was heard from at <paramref name="at"/>.</summary>
    public void Host(HostId host, DateTimeOffset at) => _hosts.AddOrUpdate(host, at, (_, known) => Later(known, at));

    /// <summary>The device was heard from at <paramref name="at"/>.</summary>
    public void Device(DeviceId device, DateTimeOffset at) => _devices.AddOrUpdate(device, at, (_, known) => Later(known, at));

    /// <summary>
    /// Writes everything waiting through the given stores. Entries leave the buffer only after the
    /// write succeeded, and only when no newer heartbeat replaced them meanwhile; a failed write
    /// leaves them all for the next flush.
    /// </summary>
    public async Task FlushAsync(IHostStore hosts, IDeviceStore devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(devices);
        var hostTimes = _hosts.ToDictionary();
        var deviceTimes = _devices.ToDictionary();
        await hosts.RecordLastSeenAsync(hostTimes, cancellationToken);
        await devices.RecordLastSeenAsync(deviceTimes, cancellationToken);

        foreach (var pair in hostTimes)
        {
            _hosts.TryRemove(pair);
        }

        foreach (var pair in deviceTimes)
        {
            _devices.TryRemove(pair);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
