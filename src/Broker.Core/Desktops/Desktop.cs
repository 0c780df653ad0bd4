using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Leases;
using Broker.Core.Pools;

namespace Broker.Core.Desktops;

/// <summary>
/// A desktop as the broker stores it: its desired state. Lifecycle fields change only through
/// <see cref="DesktopStateMachine"/>; assignment through <see cref="Broker.Core.Assignment.DesktopAssigner"/>.
/// </summary>
public sealed record Desktop
{
    /// <summary>The desktop's id.</summary>
    public required DesktopId Id { get; init; }

    /// <summary>The pool it belongs to.</summary>
    public required PoolId Pool { get; init; }

    /// <summary>Display name, unique within the pool.</summary>
    public required string Name { get; init; }

    /// <summary>The host that owns its server copy.</summary>
    public required HostId Host { get; init; }

    /// <summary>The gold image its chain is based on (changes when a floating desktop is reset to a newer pool image).</summary>
    public required ImageId Image { get; init; }

    /// <summary>The user it is assigned to, if any.</summary>
    public UserId? Assignee { get; init; }

    /// <summary>Lifecycle state.</summary>
    public DesktopState State { get; init; }

    /// <summary>The fencing token; see <see cref="Desktops.Epoch"/>.</summary>
    public Epoch Epoch { get; init; } = Epoch.Initial;

    /// <summary>Whether the host must keep the server copy stopped and refuse to start it.</summary>
    public bool ServerCopyLocked { get; init; }

    /// <summary>The device a check-out is for or held by (from <see cref="DesktopState.CheckOutRequested"/> to the end of the check-out).</summary>
    public DeviceId? Device { get; init; }

    /// <summary>The device's offline lease while it holds the desktop.</summary>
    public Lease? Lease { get; init; }

    /// <summary>Whether the user paused the check-out transfer.</summary>
    public bool TransferPaused { get; init; }

    /// <summary>The newest layer both the host and the device hold (sealed at check-out, or pushed and acked since).</summary>
    public LayerId? LastAckedLayer { get; init; }

    /// <summary>When a layer from the device was last acked by the host.</summary>
    public DateTimeOffset? LastSyncAt { get; init; }

    /// <summary>The check-out an admin revoked last, kept so the revoked device's late layer can reach the host's quarantine.</summary>
    public Revocation? LastRevocation { get; init; }

    /// <summary>
    /// A start (true) or stop (false) of the server copy a user or admin asked for that its host was
    /// not yet seen to carry out: the reconcile loop orders it again until the host's heartbeat shows
    /// it done, then clears it (so a guest that later powers itself off stays off). Null when none is owed.
    /// </summary>
    public bool? PowerRequested { get; init; }

    /// <summary>Concurrency token: the stored version this value was read at (0 before the first save).</summary>
    public long Version { get; init; }

    /// <summary>True when a device holds a lease for the current epoch: it, and only it, may write.</summary>
    public bool DeviceHoldsAuthority => Device is not null && Lease is not null && Lease.Epoch == Epoch;
}
