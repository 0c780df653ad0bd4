using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>A desktop as the local API shows it.</summary>
/// <param name="Record">The durable record.</param>
/// <param name="Running">Whether its VM runs.</param>
/// <param name="Activity">What the agent is doing with it now, or null.</param>
/// <param name="Transfer">Progress of the transfer in progress, or null.</param>
/// <param name="PendingLayers">Sealed layers the host does not hold yet.</param>
/// <param name="Lease">What the lease allows now.</param>
/// <param name="Message">The last error or warning, or null.</param>
/// <param name="Sync">When the next background sync is due; null unless the desktop is ready.</param>
/// <param name="Suspended">Whether its running VM is paused because the lease lapsed or the clock went back.</param>
internal sealed record DesktopStatus(
    LocalDesktopRecord Record,
    bool Running,
    DesktopActivity? Activity,
    TransferProgress? Transfer,
    int PendingLayers,
    LeaseVerdict Lease,
    string? Message,
    SyncOutlook? Sync = null,
    bool Suspended = false);

/// <summary>A ready desktop's next background sync.</summary>
/// <param name="NextAt">When it is due.</param>
/// <param name="Deferred">Whether the user's deferral put it there.</param>
internal sealed record SyncOutlook(DateTimeOffset NextAt, bool Deferred);
