using Broker.Core.Entitlements;

namespace Broker.Core.Devices;

/// <summary>Where devices are kept, with optimistic concurrency on <see cref="Device.Version"/>.</summary>
public interface IDeviceStore
{
    /// <summary>The device, or <see langword="null"/> when none has that id.</summary>
    Task<Device?> FindAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>The devices among <paramref name="ids"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<Device>> FindManyAsync(IReadOnlyCollection<DeviceId> ids, CancellationToken cancellationToken);

    /// <summary>The devices <paramref name="owner"/> enrolled, ordered by name.</summary>
    Task<IReadOnlyList<Device>> ListByOwnerAsync(UserId owner, CancellationToken cancellationToken);

    /// <summary>
    /// The devices stored as <see cref="Device.Online"/>, wherever they are connected: the reconcile
    /// loop of any broker instance marks the overdue ones offline from their stored last-seen times.
    /// </summary>
    Task<IReadOnlyList<Device>> ListOnlineAsync(CancellationToken cancellationToken);

    /// <summary>Adds a device; <see cref="WriteOutcome.Conflict"/> when the id exists.</summary>
    Task<WriteResult> AddAsync(Device device, CancellationToken cancellationToken);

    /// <summary>Replaces the stored device if its version still equals <see cref="Device.Version"/>; otherwise <see cref="WriteOutcome.Conflict"/>.</summary>
    Task<WriteResult> UpdateAsync(Device device, CancellationToken cancellationToken);

    /// <summary>
    /// Moves each device's <see cref="Device.LastSeen"/> forward to the time given for it (never
    /// back), all in one transaction, without changing <see cref="Device.Version"/> or
    /// <see cref="Device.Online"/>. Times may be stored rounded down to the second; unknown ids are skipped.
    /// </summary>
    Task RecordLastSeenAsync(IReadOnlyDictionary<DeviceId, DateTimeOffset> seen, CancellationToken cancellationToken);
}
