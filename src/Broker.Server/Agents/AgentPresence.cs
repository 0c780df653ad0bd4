using Broker.Core;
using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Server.Agents;

/// <summary>
/// Records a heartbeat at once: the host's or device's last-seen time and health. A concurrent
/// writer (the reconcile loop, another instance) makes it re-read and try again a few times.
/// </summary>
internal sealed class AgentPresence(IHostStore hosts, IDeviceStore devices)
{
    private const int Attempts = 3;

    /// <summary>The host reported at <paramref name="at"/>, healthy or not.</summary>
    public async Task RecordHostAsync(HostId id, DateTimeOffset at, bool healthy, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await hosts.FindAsync(id, cancellationToken) is not { } host)
            {
                return;
            }

            var seen = host with
            {
                LastSeen = host.LastSeen > at ? host.LastSeen : at,
                Health = healthy ? HostHealth.Healthy : HostHealth.Unhealthy,
            };
            if (seen == host || (await hosts.UpdateAsync(seen, cancellationToken)).Outcome != WriteOutcome.Conflict)
            {
                return;
            }
        }
    }

    /// <summary>The device reported at <paramref name="at"/>.</summary>
    public async Task RecordDeviceAsync(DeviceId id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await devices.FindAsync(id, cancellationToken) is not { } device)
            {
                return;
            }

            var seen = device with { LastSeen = device.LastSeen > at ? device.LastSeen : at, Online = true };
            if (seen == device || (await devices.UpdateAsync(seen, cancellationToken)).Outcome != WriteOutcome.Conflict)
            {
                return;
            }
        }
    }
}
