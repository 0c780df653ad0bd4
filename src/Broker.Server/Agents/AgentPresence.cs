using Broker.Core;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using CoreHost = Broker.Core.Hosts.Host;

namespace Broker.Server.Agents;

/// <summary>
/// Stores a heartbeat at once: the host's or device's last-seen time and health, and the address
/// of a host's DiskTransfer service. Used for the first heartbeat of a stream and for those that
/// change health or address; the rest only go to the <see cref="LastSeenBuffer"/>. A concurrent
/// writer (the reconcile loop, another instance) makes it re-read and try again a few times.
/// </summary>
internal sealed partial class AgentPresence(IHostStore hosts, IDeviceStore devices, ILogger<AgentPresence> logger)
{
    private const int Attempts = 3;

    /// <summary>
    /// The host reported at <paramref name="at"/>, healthy or not, with its transfer address. An
    /// empty address keeps the stored one; an invalid one is logged and ignored.
    /// </summary>
    public async Task RecordHostAsync(HostId id, DateTimeOffset at, bool healthy, string transferAddress, CancellationToken cancellationToken)
    {
        var address = string.IsNullOrEmpty(transferAddress) ? null : transferAddress;
        if (address is not null && !CoreHost.IsValidTransferAddress(address))
        {
            LogInvalidTransferAddress(logger, id, address.Length > CoreHost.MaxTransferAddressLength ? address[..CoreHost.MaxTransferAddressLength] : address);
            address = null;
        }

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
                TransferAddress = address ?? host.TransferAddress,
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

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning, Message = "Host {HostId} reported the transfer address '{TransferAddress}', which is not an absolute http or https URL; the stored address stays")]
    private static partial void LogInvalidTransferAddress(ILogger logger, HostId hostId, string transferAddress);
}
