using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Leases;
using Broker.Core.Pools;

namespace Broker.Persistence.Desktops;

/// <summary>
/// A stored <see cref="Desktop"/>; the lease is kept in three nullable columns, all set or none, and
/// the last revocation in two.
/// </summary>
internal sealed class DesktopRow
{
    public DesktopId Id { get; set; }

    public PoolId PoolId { get; set; }

    public string Name { get; set; } = string.Empty;

    public HostId HostId { get; set; }

    public ImageId ImageId { get; set; }

    public UserId? Assignee { get; set; }

    public DesktopState State { get; set; }

    public Epoch Epoch { get; set; }

    public bool ServerCopyLocked { get; set; }

    public DeviceId? DeviceId { get; set; }

    public Epoch? LeaseEpoch { get; set; }

    public DateTimeOffset? LeaseIssuedAt { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public bool TransferPaused { get; set; }

    public LayerId? LastAckedLayer { get; set; }

    public DateTimeOffset? LastSyncAt { get; set; }

    public DeviceId? RevokedDeviceId { get; set; }

    public Epoch? RevokedEpoch { get; set; }

    public bool? PowerRequested { get; set; }

    /// <summary>Concurrency token.</summary>
    public long Version { get; set; }

    public static DesktopRow From(Desktop desktop, long version) => new()
    {
        Id = desktop.Id,
        PoolId = desktop.Pool,
        Name = desktop.Name,
        HostId = desktop.Host,
        ImageId = desktop.Image,
        Assignee = desktop.Assignee,
        State = desktop.State,
        Epoch = desktop.Epoch,
        ServerCopyLocked = desktop.ServerCopyLocked,
        DeviceId = desktop.Device,
        LeaseEpoch = desktop.Lease?.Epoch,
        LeaseIssuedAt = desktop.Lease?.Term.IssuedAt,
        LeaseExpiresAt = desktop.Lease?.Term.ExpiresAt,
        TransferPaused = desktop.TransferPaused,
        LastAckedLayer = desktop.LastAckedLayer,
        LastSyncAt = desktop.LastSyncAt,
        RevokedDeviceId = desktop.LastRevocation?.Device,
        RevokedEpoch = desktop.LastRevocation?.Epoch,
        PowerRequested = desktop.PowerRequested,
        Version = version,
    };

    public Desktop ToDomain() => new()
    {
        Id = Id,
        Pool = PoolId,
        Name = Name,
        Host = HostId,
        Image = ImageId,
        Assignee = Assignee,
        State = State,
        Epoch = Epoch,
        ServerCopyLocked = ServerCopyLocked,
        Device = DeviceId,
        Lease = LeaseEpoch is { } epoch && LeaseIssuedAt is { } issued && LeaseExpiresAt is { } expires
            ? new Lease(epoch, new LeaseTerm(issued, expires))
            : null,
        TransferPaused = TransferPaused,
        LastAckedLayer = LastAckedLayer,
        LastSyncAt = LastSyncAt,
        LastRevocation = RevokedDeviceId is { } device && RevokedEpoch is { } revoked ? new Revocation(device, revoked) : null,
        PowerRequested = PowerRequested,
        Version = Version,
    };
}
