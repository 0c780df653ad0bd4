using Broker.Core.Entitlements;

namespace Broker.Core.Devices;

/// <summary>Where devices are kept, with optimistic concurrency on <see cref="Device.Version"/>.</summary>
public interface IDeviceStore
{
    /// <summary>The device, or <see langword="null"/> when none has that id.</summary>
    Task<Device?> FindAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>The devices <paramref name="owner"/> enrolled, ordered by name.</summary>
    Task<IReadOnlyList<Device>> ListByOwnerAsync(UserId owner, CancellationToken cancellationToken);

    /// <summary>Adds a device; <see cref="WriteOutcome.Conflict"/> when the id exists.</summary>
    Task<WriteResult> AddAsync(Device device, CancellationToken cancellationToken);

    /// <summary>Replaces the stored device if its version still equals <see cref="Device.Version"/>; otherwise <see cref="WriteOutcome.Conflict"/>.</summary>
    Task<WriteResult> UpdateAsync(Device device, CancellationToken cancellationToken);
}
