using Broker.Core.Devices;
using Broker.Core.Entitlements;

namespace Broker.Persistence.Devices;

/// <summary>A stored <see cref="Device"/>.</summary>
internal sealed class DeviceRow
{
    public DeviceId Id { get; set; }

    public UserId Owner { get; set; }

    public string Name { get; set; } = string.Empty;

    public bool Online { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    /// <summary>Concurrency token.</summary>
    public long Version { get; set; }

    public static DeviceRow From(Device device, long version) => new()
    {
        Id = device.Id,
        Owner = device.Owner,
        Name = device.Name,
        Online = device.Online,
        LastSeen = device.LastSeen,
        Version = version,
    };

    public Device ToDomain() => new()
    {
        Id = Id,
        Owner = Owner,
        Name = Name,
        Online = Online,
        LastSeen = LastSeen,
        Version = Version,
    };
}
